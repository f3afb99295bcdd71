package com.nurselink.warehouse.generate;

import static com.nurselink.warehouse.contract.SourceContract.CONTRACTS;
import static com.nurselink.warehouse.contract.SourceContract.MISSIONS;
import static com.nurselink.warehouse.contract.SourceContract.MISSION_APPLICATIONS;
import static com.nurselink.warehouse.contract.SourceContract.USERS;

import com.nurselink.warehouse.contract.SourceContract;
import java.io.IOException;
import java.sql.SQLException;
import java.text.Normalizer;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Produces the rows of the operational tables, deterministically for a seed. Clean rows draw from
 * one random stream, the injected bad rows ({@code dirty}) from another and take ids from
 * {@link Generator#DIRTY_ID_BASE} up: the clean part is the same with and without dirt.
 */
final class Synthesizer {
  static final double DEFECT_RATE = 0.02;
  private static final long MINUTE = 60_000L;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  static final String[] CITIES = {"Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg",
      "Montpellier", "Bordeaux", "Lille", "Rennes", "Reims", "Saint-Étienne", "Besançon", "Orléans", "Nîmes",
      "Clermont-Ferrand", "Grenoble", "Dijon", "Angers", "Le Mans", "Aix-en-Provence", "Béziers", "Périgueux"};
  /** Relative weights of {@link #CITIES} (bigger cities post more). */
  private static final int[] CITY_WEIGHTS = {14, 8, 7, 6, 4, 4, 4, 4, 5, 5, 3, 2, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2, 1, 1};
  static final String[] SPECIALTIES = {"urgences", "réanimation", "pédiatrie", "gériatrie", "bloc opératoire",
      "soins généraux", "psychiatrie", "oncologie", "cardiologie", "maternité", "dialyse", "soins à domicile"};
  /** Base hourly rate in cents per specialty. */
  private static final int[] SPECIALTY_BASE = {3600, 4000, 3500, 2900, 4200, 3000, 3300, 3700, 3600, 3400, 3500, 2800};
  private static final String[] TITLES = {"Vacation IDE", "Remplacement infirmier", "Renfort", "Mission infirmière",
      "Poste IDE"};
  private static final String[] FIRST = {"Camille", "Léa", "Chloé", "Manon", "Inès", "Sarah", "Julie", "Lucas", "Hugo",
      "Thomas", "Nathalie", "Sophie", "Isabelle", "Émilie", "Céline", "Aurélie", "Mathilde", "Zoé", "Anaïs", "Karim",
      "Yasmine", "Mehdi", "Fatima", "Jérôme", "François", "Hélène", "Noémie", "Loïc", "Maëlle", "Bruno"};
  private static final String[] LAST = {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
      "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
      "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Benali",
      "Nguyen", "Côté"};
  private static final String[] FIRST_ASCII = ascii(FIRST);
  private static final String[] LAST_ASCII = ascii(LAST);
  private static final String[] ESTABLISHMENTS = {"Centre hospitalier de %s", "CHU de %s", "Clinique Saint-Joseph (%s)",
      "EHPAD Les Tilleuls, %s", "Clinique du Parc, %s", "Hôpital privé de %s", "SSR Les Cèdres, %s"};
  private static final int[] START_HOURS = {6, 7, 7, 8, 8, 9, 13, 14, 19, 20, 20, 21};
  private static final int[] DURATIONS_MIN = {240, 360, 420, 450, 480, 600, 720, 720};

  private static final String[][] BAD_ENUMS = {
      {"superuser", "recruiter", "guest", "infirmière"},
      {"archived", "unknown", "in progress", "done"},
      {"maybe", "approved", "on hold", "unknown"},
      {"terminated", "draft", "unknown", "paid"}};
  private static final String[] BAD_TIMESTAMPS = {"not a date", "31/12/2025 08:00", "2025-13-45T10:00:00", "N/A",
      "", "hier", "12/07/2025", "2025-06-31T25:61:00"};
  private static final String[] BAD_NUMBERS = {"N/A", "quarante", "abc", "?", "huit"};

  private static final int NURSE = 0;
  private static final int ESTABLISHMENT = 1;
  private static final int ADMIN = 2;
  private static final String[] ROLES = {"nurse", "establishment", "admin"};

  private final long missions;
  private final boolean dirty;
  private final ZoneId zone;
  private final Render render;
  private final SplittableRandom rnd;
  private final SplittableRandom drnd;
  private final RowSink sink;
  private final LongConsumer progress;
  private final long[] rows = new long[SourceContract.values().length];
  private final long[][] injected = new long[SourceContract.values().length][Defect.values().length];
  private final long[] nextDirtyId = new long[SourceContract.values().length];
  private final List<Object[]> pending = new ArrayList<>();
  private final List<SourceContract> pendingTables = new ArrayList<>();
  private final LocalDate spanStart;
  private final long spanDays;
  private final long spanEndMs;

  private long[] nurseIds;
  private long[] nurseCreated;
  private long[] establishmentIds;
  private int[] establishmentCity;
  private int nurseCount;
  private int establishmentCount;
  private long nextApplicationId = 1;
  private long nextContractId = 1;

  Synthesizer(long missions, long seed, boolean dirty, ZoneId zone, RowSink sink, LongConsumer progress) {
    this.missions = missions;
    this.dirty = dirty;
    this.zone = zone;
    this.render = new Render(zone);
    this.rnd = new SplittableRandom(seed);
    this.drnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.sink = sink;
    this.progress = progress;
    this.spanStart = Generator.SPAN_START;
    this.spanDays = Generator.SPAN_END.toEpochDay() - spanStart.toEpochDay() + 1;
    this.spanEndMs = Generator.SPAN_END.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    Arrays.fill(nextDirtyId, Generator.DIRTY_ID_BASE + 1);
  }

  long[] rows() {
    return rows;
  }

  long[][] injected() {
    return injected;
  }

  void run() throws SQLException, IOException {
    users();
    if (progress != null) {
      progress.accept(0);
    }
    for (long i = 0; i < missions; i++) {
      mission(i);
      flushInjected();
      if ((i + 1) % 50_000 == 0 && progress != null) {
        progress.accept(i + 1);
      }
    }
  }

  // ---------------------------------------------------------------- users

  private void users() throws SQLException, IOException {
    int nurses = (int) Math.max(1, Math.round(missions / 8.0));
    int establishments = (int) Math.max(1, Math.round(missions / 100.0));
    int admins = missions >= 100_000 ? 5 : 3;
    int n = nurses + establishments + admins;
    int[] role = new int[n];
    long[] created = new long[n];
    long before = ms(spanStart) - 60 * DAY;
    long spanFrom = ms(spanStart);
    long y2023 = ms(LocalDate.of(2023, 1, 1));
    long y2022 = ms(LocalDate.of(2022, 1, 1));
    for (int u = 0; u < n; u++) {
      role[u] = u < nurses ? NURSE : u < nurses + establishments ? ESTABLISHMENT : ADMIN;
      created[u] = switch (role[u]) {
        case NURSE -> rnd.nextInt(100) < 55 ? between(y2023, before) : between(spanFrom, spanEndMs - 60 * DAY);
        case ESTABLISHMENT -> between(y2022, before);
        default -> between(y2022, y2022 + 30 * DAY);
      };
    }
    // ids follow sign-up order, as an autoincrement would
    long[] keyed = new long[n];
    for (int u = 0; u < n; u++) {
      keyed[u] = Math.floorDiv(created[u], 1000) << 24 | u;
    }
    Arrays.sort(keyed);
    nurseIds = new long[nurses];
    nurseCreated = new long[nurses];
    establishmentIds = new long[establishments];
    establishmentCity = new int[establishments];
    for (int k = 0; k < n; k++) {
      int u = (int) (keyed[k] & 0xFFFFFF);
      user(k + 1, role[u], created[u]);
    }
  }

  private void user(long id, int role, long created) throws SQLException, IOException {
    int city = city(rnd);
    int fi = rnd.nextInt(FIRST.length);
    int li = rnd.nextInt(LAST.length);
    String name = FIRST[fi] + " " + LAST[li];
    String email;
    String specialty = null;
    String cityName = CITIES[city];
    switch (role) {
      case NURSE -> {
        nurseIds[nurseCount] = id;
        nurseCreated[nurseCount++] = created;
        email = FIRST_ASCII[fi] + "." + LAST_ASCII[li] + "." + id + "@example.org";
        specialty = SPECIALTIES[rnd.nextInt(SPECIALTIES.length)];
      }
      case ESTABLISHMENT -> {
        establishmentIds[establishmentCount] = id;
        establishmentCity[establishmentCount++] = city;
        name = String.format(Locale.ROOT, ESTABLISHMENTS[rnd.nextInt(ESTABLISHMENTS.length)], cityName);
        email = "recrutement." + id + "@example.com";
      }
      default -> {
        email = "admin." + id + "@example.net";
        cityName = null;
      }
    }
    long updated = created + DAY + (long) (rnd.nextDouble() * Math.max(0, spanEndMs - created - DAY));
    Object[] row = {id, email, name, Render.enumValue(ROLES[role], rnd),
        cityName == null ? null : Render.padded(cityName, rnd), specialty,
        render.timestamp(created, rnd, true), render.timestamp(updated, rnd, true)};
    emit(USERS, row);
    if (dirty) {
      injectUser(row, city);
      flushInjected();
    }
  }

  // ---------------------------------------------------------------- missions and their children

  private void mission(long i) throws SQLException, IOException {
    long id = i + 1;
    LocalDate day = spanStart.plusDays((long) ((i + rnd.nextDouble()) * spanDays / missions));
    int hour = START_HOURS[rnd.nextInt(START_HOURS.length)];
    int minute = rnd.nextInt(4) == 0 ? 30 : 0;
    long start = ZonedDateTime.of(day, LocalTime.of(hour, minute), zone).toInstant().toEpochMilli();
    int durationMin = DURATIONS_MIN[rnd.nextInt(DURATIONS_MIN.length)];
    long end = start + durationMin * MINUTE;
    int est = (int) (establishmentIds.length * Math.pow(rnd.nextDouble(), 2));
    int city = rnd.nextInt(10) < 9 ? establishmentCity[est] : city(rnd);
    int specialty = rnd.nextInt(SPECIALTIES.length);
    boolean night = hour >= 19;
    boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    long cents = SPECIALTY_BASE[specialty] + (night ? 500 : 0) + (weekend ? 300 : 0)
        + Math.round((rnd.nextDouble() + rnd.nextDouble() + rnd.nextDouble() - 1.5) * 800);
    cents = Math.max(2500, Math.min(6000, cents));
    int rounding = rnd.nextInt(10);
    cents = rounding < 3 ? cents / 100 * 100 : rounding < 5 ? cents / 50 * 50 : cents;
    String status = missionStatus(rnd.nextInt(1000));
    long lead = 2 * HOUR + (long) (Math.pow(rnd.nextDouble(), 2) * 45 * DAY);
    long created = start - lead;

    boolean cancelledWithContract = status.equals("cancelled") && rnd.nextInt(10) < 3;
    boolean hasContract = cancelledWithContract || status.equals("filled") || status.equals("in_progress")
        || status.equals("completed");
    int apps = status.equals("draft") ? 0 : hasContract ? 1 + rnd.nextInt(6) : rnd.nextInt(7);
    apps = Math.min(apps, nurseIds.length); // tiny samples: a nurse applies once per mission
    long[] applied = new long[apps];
    for (int a = 0; a < apps; a++) {
      applied[a] = created + MINUTE + (long) (rnd.nextDouble() * 0.9 * (start - created - MINUTE));
    }
    Arrays.sort(applied);
    int accepted = hasContract ? rnd.nextInt(apps) : -1;
    long[] nurse = new long[apps];
    for (int a = 0; a < apps; a++) {
      nurse[a] = pickNurse(applied[a], nurse, a);
    }

    // the contract's times first: the mission's updated_at depends on them
    long cCreated = 0;
    long signed = -1;
    String cStatus = null;
    if (hasContract) {
      long acc = applied[accepted];
      cCreated = acc + MINUTE + (long) (rnd.nextDouble() * 0.5 * (start - acc - MINUTE));
      cStatus = switch (status) {
        case "filled" -> rnd.nextInt(100) < 35 ? "pending" : "signed";
        case "in_progress" -> "active";
        case "completed" -> rnd.nextInt(100) < 5 ? "disputed" : "completed";
        default -> "cancelled";
      };
      if (!cStatus.equals("pending") && !(cStatus.equals("cancelled") && rnd.nextInt(10) < 3)) {
        signed = cCreated + MINUTE + (long) (rnd.nextDouble() * (start - cCreated - 2 * MINUTE));
      }
    }
    long updated = switch (status) {
      case "draft" -> created + MINUTE + (long) (rnd.nextDouble() * (start - created) / 2);
      case "filled" -> (signed > 0 ? signed : cCreated) + MINUTE;
      case "in_progress" -> start + MINUTE + (long) (rnd.nextDouble() * (end - start - MINUTE));
      case "completed" -> end + HOUR + (long) (rnd.nextDouble() * 71 * HOUR);
      default -> created + MINUTE + (long) (rnd.nextDouble() * (start - created - MINUTE));
    };
    Object[] m = {id, establishmentIds[est],
        TITLES[rnd.nextInt(TITLES.length)] + " " + SPECIALTIES[specialty] + (night ? " (nuit)" : ""),
        SPECIALTIES[specialty], Render.padded(CITIES[city], rnd), render.realColumn(cents, rnd),
        Render.enumValue(status, rnd), render.timestamp(start, rnd, true), render.timestamp(end, rnd, true),
        render.timestamp(created, rnd, true), render.timestamp(updated, rnd, true)};
    emit(MISSIONS, m);
    if (dirty) {
      injectMission(m, start, end);
    }

    long acceptedId = -1;
    for (int a = 0; a < apps; a++) {
      long appId = nextApplicationId++;
      String aStatus;
      long aUpdated;
      if (a == accepted) {
        acceptedId = appId;
        aStatus = "accepted";
        aUpdated = cCreated;
      } else {
        int k = rnd.nextInt(100);
        aStatus = hasContract ? (k < 75 ? "rejected" : "withdrawn")
            : status.equals("open") ? (k < 80 ? "pending" : k < 95 ? "withdrawn" : "rejected")
            : (k < 70 ? "rejected" : "withdrawn");
        aUpdated = aStatus.equals("pending") ? applied[a]
            : applied[a] + MINUTE + (long) (rnd.nextDouble() * (start - applied[a] - MINUTE));
      }
      Object[] row = {appId, id, nurse[a], Render.enumValue(aStatus, rnd), render.timestamp(applied[a], rnd, false),
          render.timestamp(aUpdated, rnd, false)};
      emit(MISSION_APPLICATIONS, row);
      if (dirty) {
        injectApplication(row, aStatus.equals("pending"));
      }
    }

    if (hasContract) {
      long rate = rnd.nextInt(100) < 80 ? cents : cents + 10 * (5 + rnd.nextInt(26));
      Object hours = null;
      if (cStatus.equals("completed") || cStatus.equals("disputed")) {
        long h = durationMin * 100L / 60 - 25L * rnd.nextInt(5) + 25L * (rnd.nextInt(3) - 1);
        hours = render.realColumn(Math.max(100, h), rnd);
      }
      long cUpdated = switch (cStatus) {
        case "pending" -> cCreated;
        case "signed" -> signed;
        case "active" -> start + (long) (rnd.nextDouble() * (end - start));
        case "completed", "disputed" -> end + HOUR + (long) (rnd.nextDouble() * 95 * HOUR);
        default -> {
          long from = signed > 0 ? signed : cCreated;
          yield from + MINUTE + (long) (rnd.nextDouble() * (start - from - MINUTE));
        }
      };
      LocalDate startDay = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(start), zone);
      LocalDate endDay = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(end), zone);
      Object[] c = {nextContractId++, id, nurse[accepted], acceptedId, Render.enumValue(cStatus, rnd),
          render.day(startDay, rnd), render.day(endDay, rnd), render.untypedColumn(rate, rnd), hours,
          signed > 0 ? render.timestamp(signed, rnd, true) : null, render.timestamp(cCreated, rnd, true),
          render.timestamp(cUpdated, rnd, true)};
      emit(CONTRACTS, c);
      if (dirty) {
        injectContract(c, startDay, cStatus.equals("pending"));
      }
    }
  }

  private static String missionStatus(int k) {
    // draft 9%, open 20%, filled 10%, in_progress 4%, completed 45%, cancelled 12%
    return k < 90 ? "draft" : k < 290 ? "open" : k < 390 ? "filled" : k < 430 ? "in_progress"
        : k < 880 ? "completed" : "cancelled";
  }

  /** A nurse who had signed up a day before {@code applied}, not yet among {@code taken[0..n)}. */
  private long pickNurse(long applied, long[] taken, int n) {
    int eligible = upperBound(nurseCreated, applied - DAY);
    if (eligible == 0) {
      eligible = nurseIds.length;
    }
    long id = 0;
    for (int attempt = 0; attempt < 50; attempt++) {
      id = nurseIds[rnd.nextInt(eligible)];
      if (!contains(taken, n, id)) {
        return id;
      }
    }
    // very small populations: any nurse not taken yet
    for (long candidate : nurseIds) {
      if (!contains(taken, n, candidate)) {
        return candidate;
      }
    }
    return id;
  }

  private static boolean contains(long[] values, int n, long v) {
    for (int j = 0; j < n; j++) {
      if (values[j] == v) {
        return true;
      }
    }
    return false;
  }

  /** Nurses are in sign-up order: how many signed up at or before t. */
  private static int upperBound(long[] sorted, long t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // ---------------------------------------------------------------- dirt

  private void injectUser(Object[] row, int city) {
    for (Defect d : Defect.applicable(USERS)) {
      if (drnd.nextDouble() >= DEFECT_RATE) {
        continue;
      }
      Object[] c = copy(USERS, row, d);
      if (d == Defect.DUPLICATE) {
        if (row[USERS.index("city")] == null) {
          continue;
        }
        // an earlier version: before the user moved
        c[USERS.index("city")] = CITIES[(city + 1 + drnd.nextInt(CITIES.length - 1)) % CITIES.length];
        c[USERS.index("updated_at")] = row[USERS.index("created_at")];
      } else if (d == Defect.BAD_ENUM) {
        c[USERS.index("role")] = badEnum(USERS);
      }
      add(USERS, d, c);
    }
  }

  private void injectMission(Object[] row, long start, long end) {
    for (Defect d : Defect.applicable(MISSIONS)) {
      if (drnd.nextDouble() >= DEFECT_RATE) {
        continue;
      }
      Object[] c = copy(MISSIONS, row, d);
      switch (d) {
        case BAD_TIMESTAMP -> c[MISSIONS.index(new String[] {"start_at", "end_at", "created_at"}[drnd.nextInt(3)])] =
            badTimestamp();
        case BAD_ENUM -> c[MISSIONS.index("status")] = badEnum(MISSIONS);
        case BAD_NUMBER -> c[MISSIONS.index("hourly_rate")] = badNumber();
        case BAD_RANGE -> c[MISSIONS.index("end_at")] = render.timestamp(start - (end - start), drnd, true);
        case DUPLICATE -> {
          String s = SourceValues.enumValue(row[MISSIONS.index("status")]);
          c[MISSIONS.index("status")] = s.equals("draft") || s.equals("open") ? "draft" : "open";
          c[MISSIONS.index("updated_at")] = row[MISSIONS.index("created_at")];
        }
        case ORPHAN -> c[MISSIONS.index("establishment_id")] = orphanId();
        default -> { }
      }
      add(MISSIONS, d, c);
    }
  }

  private void injectApplication(Object[] row, boolean isPending) {
    for (Defect d : Defect.applicable(MISSION_APPLICATIONS)) {
      if (drnd.nextDouble() >= DEFECT_RATE || (d == Defect.DUPLICATE && isPending)) {
        continue;
      }
      Object[] c = copy(MISSION_APPLICATIONS, row, d);
      switch (d) {
        case BAD_TIMESTAMP -> c[MISSION_APPLICATIONS.index("applied_at")] = badTimestamp();
        case BAD_ENUM -> c[MISSION_APPLICATIONS.index("status")] = badEnum(MISSION_APPLICATIONS);
        case DUPLICATE -> {
          c[MISSION_APPLICATIONS.index("status")] = "pending";
          c[MISSION_APPLICATIONS.index("updated_at")] = row[MISSION_APPLICATIONS.index("applied_at")];
        }
        case ORPHAN -> c[MISSION_APPLICATIONS.index("mission_id")] = orphanId();
        default -> { }
      }
      add(MISSION_APPLICATIONS, d, c);
    }
  }

  private void injectContract(Object[] row, LocalDate startDay, boolean isPending) {
    for (Defect d : Defect.applicable(CONTRACTS)) {
      if (drnd.nextDouble() >= DEFECT_RATE || (d == Defect.DUPLICATE && isPending)) {
        continue;
      }
      Object[] c = copy(CONTRACTS, row, d);
      switch (d) {
        case BAD_TIMESTAMP -> c[CONTRACTS.index("start_date")] = badTimestamp();
        case BAD_ENUM -> c[CONTRACTS.index("status")] = badEnum(CONTRACTS);
        case BAD_NUMBER -> c[CONTRACTS.index(drnd.nextBoolean() ? "hourly_rate" : "hours_worked")] =
            drnd.nextBoolean() ? BAD_NUMBERS[drnd.nextInt(BAD_NUMBERS.length)] : -(1 + drnd.nextInt(4000)) / 100.0;
        case BAD_RANGE -> c[CONTRACTS.index("end_date")] = render.day(startDay.minusDays(1 + drnd.nextInt(3)), drnd);
        case DUPLICATE -> {
          c[CONTRACTS.index("status")] = "pending";
          c[CONTRACTS.index("signed_at")] = null;
          c[CONTRACTS.index("hours_worked")] = null;
          c[CONTRACTS.index("updated_at")] = row[CONTRACTS.index("created_at")];
        }
        case ORPHAN -> {
          c[CONTRACTS.index("mission_id")] = orphanId();
          c[CONTRACTS.index("application_id")] = orphanId();
        }
        default -> { }
      }
      add(CONTRACTS, d, c);
    }
  }

  /** A copy of a row for an injected defect: a fresh id, null for a missing key, the same id for a duplicate. */
  private Object[] copy(SourceContract t, Object[] row, Defect d) {
    Object[] c = row.clone();
    c[0] = switch (d) {
      case MISSING_KEY -> null;
      case DUPLICATE -> row[0];
      default -> nextDirtyId[t.ordinal()]++;
    };
    return c;
  }

  private void add(SourceContract t, Defect d, Object[] row) {
    injected[t.ordinal()][d.ordinal()]++;
    pendingTables.add(t);
    pending.add(row);
  }

  private void flushInjected() throws SQLException, IOException {
    for (int k = 0; k < pending.size(); k++) {
      emit(pendingTables.get(k), pending.get(k));
    }
    pending.clear();
    pendingTables.clear();
  }

  private Object badTimestamp() {
    return drnd.nextInt(10) < 3 ? null : BAD_TIMESTAMPS[drnd.nextInt(BAD_TIMESTAMPS.length)];
  }

  private String badEnum(SourceContract t) {
    String[] values = BAD_ENUMS[t.ordinal()];
    return values[drnd.nextInt(values.length)];
  }

  private Object badNumber() {
    int k = drnd.nextInt(10);
    return k < 3 ? null : k < 6 ? -(2500 + drnd.nextInt(3500)) / 100.0 : BAD_NUMBERS[drnd.nextInt(BAD_NUMBERS.length)];
  }

  private long orphanId() {
    return Generator.ORPHAN_ID_BASE + 1 + drnd.nextInt(1_000_000);
  }

  // ---------------------------------------------------------------- helpers

  private void emit(SourceContract t, Object[] row) throws SQLException, IOException {
    rows[t.ordinal()]++;
    sink.row(t, row);
  }

  private long ms(LocalDate d) {
    return d.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  private long between(long from, long to) {
    return from + (long) (rnd.nextDouble() * (to - from));
  }

  private static int city(SplittableRandom r) {
    int total = 0;
    for (int w : CITY_WEIGHTS) {
      total += w;
    }
    int k = r.nextInt(total);
    for (int c = 0; c < CITY_WEIGHTS.length; c++) {
      k -= CITY_WEIGHTS[c];
      if (k < 0) {
        return c;
      }
    }
    return 0;
  }

  /** Names as they appear in e-mail addresses: without accents, lower case. */
  private static String[] ascii(String[] names) {
    String[] out = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = Normalizer.normalize(names[i], Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
          .replace(' ', '-');
    }
    return out;
  }
}
