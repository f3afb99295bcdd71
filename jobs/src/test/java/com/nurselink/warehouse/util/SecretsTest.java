package com.nurselink.warehouse.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Passwords are masked in every URL form the project accepts; words are not passwords. */
class SecretsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      jdbc:postgresql://etl:s3cret@db.example:5432/wh                     | jdbc:postgresql://etl:***@db.example:5432/wh
      jdbc:postgresql://etl:s3cret@db/wh?sslmode=require                   | jdbc:postgresql://etl:***@db/wh?sslmode=require
      jdbc:postgresql://etl:p@ss/w0rd@db/wh                                | jdbc:postgresql://etl:***@db/wh
      jdbc:postgresql://db:5432/wh?password=s3cret                         | jdbc:postgresql://db:5432/wh?password=***
      jdbc:postgresql://db:5432/wh?user=etl&password=s3cret&ssl=true       | jdbc:postgresql://db:5432/wh?user=etl&password=***&ssl=true
      jdbc:postgresql://h1:5432,h2:5433/wh?user=etl&password=p%40ss        | jdbc:postgresql://h1:5432,h2:5433/wh?user=etl&password=***
      jdbc:postgresql://[::1]:5432/wh?user=etl&PASSWORD=s3cret             | jdbc:postgresql://[::1]:5432/wh?user=etl&PASSWORD=***
      jdbc:postgresql:wh?user=etl&password=s3cret                          | jdbc:postgresql:wh?user=etl&password=***
      jdbc:postgresql://db/wh?sslpassword=k3y&sslkey=/etc/k.pk8&user=etl   | jdbc:postgresql://db/wh?sslpassword=***&sslkey=***&user=etl
      jdbc:sqlserver://db;user=etl;password=s3cret;encrypt=true            | jdbc:sqlserver://db;user=etl;password=***;encrypt=true
      https://airflow.example/api/v2/dags?token=abc123&limit=5             | https://airflow.example/api/v2/dags?token=***&limit=5
      https://admin:s3cret@airflow.example/api/v1                          | https://admin:***@airflow.example/api/v1
      jdbc:postgresql://db:5432/wh?user=etl                                | jdbc:postgresql://db:5432/wh?user=etl
      data/nurselink.db                                                    | data/nurselink.db
      """)
  void urlsHaveTheirPasswordMasked(String url, String masked) {
    assertEquals(masked, Secrets.maskUrl(url));
    assertEquals(masked, Secrets.maskText(url));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      Connection to etl:s3cret@db.example:5432 refused                     | Connection to etl:***@db.example:5432 refused
      FATAL: no pg_hba.conf entry for etl:s3cret@10.0.0.7                  | FATAL: no pg_hba.conf entry for etl:***@10.0.0.7
      cannot open jdbc:postgresql://db/wh?password=s3cret: refused          | cannot open jdbc:postgresql://db/wh?password=*** refused
      login with password=s3cret failed                                    | login with password=*** failed
      '{"password": "s3cret", "user": "etl"}'                              | '{"password": "***", "user": "etl"}'
      'auth token:abc123, retrying'                                        | 'auth token:***, retrying'
      'connect {user=etl, password=s3cret}'                                | 'connect {user=etl, password=***}'
      'server: "token":"abc123"'                                           | 'server: "token":"***"'
      """)
  void passwordsInDriverMessagesAreMasked(String text, String masked) {
    assertEquals(masked, Secrets.maskText(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--conf expects key=value, got 'nonsense'",
      "no Airflow password: set NURSELINK_AIRFLOW_PASSWORD",
      "the token: it expired, ask for a new one",
      "--conf: unknown configuration key 'warehouse.kind' (see README, Configuration)",
      "FATAL: password authentication failed for user \"etl\"",
      "pseudonym.key is a secret and may not be written in a conf file; set NURSELINK_PSEUDONYM_KEY",
      "set password=value, token: <token> or secret=*** in the example",
      "the key=value pairs of conf/dev.conf",
      "mail nurse@example.org at 10:30 about mission 42",
      "SELECT key, value FROM settings WHERE key = 'x'",
      "jdbc:postgresql://db:5432/wh",
  })
  void wordsSurvive(String text) {
    assertEquals(text, Secrets.maskText(text));
  }

  @Test
  void aRememberedSecretIsMaskedWhateverSurroundsIt() {
    String key = "k-" + UUID.randomUUID();
    Secrets.remember(key);
    assertEquals("hmac failed (key ***, length 38)", Secrets.maskText("hmac failed (key " + key + ", length 38)"));
    String password = "pw/" + UUID.randomUUID() + "@x";
    Secrets.remember("jdbc:postgresql://etl:" + password + "@db/wh");
    assertEquals("server said: bad ***", Secrets.maskText("server said: bad " + password));
  }

  @Test
  void aRememberedPasswordHoldingAHashOrAQuestionMarkIsMaskedWhole() {
    String password = "p#" + UUID.randomUUID() + "?q";
    Secrets.remember("redis://:" + password + "@cache:6379/0");
    assertEquals("redis said: ***", Secrets.maskText("redis said: " + password));
  }

  @Test
  void everyCauseOfAChainIsMaskedAndWordsKept() {
    Exception chain = new IllegalStateException("--conf expects key=value, got 'nonsense'",
        new SQLException("loading the warehouse jdbc:postgresql://etl:s3cret@db/wh?password=s3cret failed",
            new IOException("Connection to etl:s3cret@db:5432 refused\nsecond line password=s3cret")));
    assertEquals("--conf expects key=value, got 'nonsense': loading the warehouse jdbc:postgresql://etl:***@db/wh"
        + "?password=*** failed: Connection to etl:***@db:5432 refused", Errors.oneLine(chain));
  }

  @Test
  void aCauseWithoutMessageAddsNothing() {
    Exception chain = new RuntimeException("load failed", new IllegalStateException((String) null));
    assertEquals("load failed", Errors.oneLine(chain));
    assertEquals("NullPointerException", Errors.oneLine(new NullPointerException()));
  }
}
