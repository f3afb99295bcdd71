package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.docs.DataDictionary;
import com.nurselink.warehouse.docs.DictionaryPages;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nurselink docs [--out DIR]}: writes the data dictionary (Markdown and one HTML page). */
@Command(name = "docs", mixinStandardHelpOptions = true,
    description = {"Write the data dictionary of the warehouse: index.md, one <table>.md per table and view, and",
        "index.html (one self-contained page with the lineage diagram), from the model registry and the SQL."})
public final class DocsCommand implements Callable<Integer> {
  @Option(names = "--out", paramLabel = "DIR", description = "Directory to write into (default: docs).")
  Path out = Path.of("docs");

  @Override
  public Integer call() {
    DataDictionary.Dictionary d = DataDictionary.build();
    List<String> undescribed = d.tables().stream().flatMap(t -> t.columns().stream()
        .filter(c -> c.description() == null).map(c -> t.name() + "." + c.name())).toList();
    List<String> pages = DictionaryPages.write(d, out);
    long columns = d.tables().stream().mapToLong(t -> t.columns().size()).sum();
    System.out.printf(Locale.ROOT, "data dictionary: %d tables and views, %d columns -> %s (%d pages: index.md,"
        + " index.html, one .md per table)%n", d.tables().size(), columns, out.toAbsolutePath(), pages.size());
    if (!undescribed.isEmpty()) {
      System.err.println("nurselink: warning: " + undescribed.size() + " columns have no description: "
          + String.join(", ", undescribed));
    }
    return 0;
  }
}
