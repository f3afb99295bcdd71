package com.nurselink.warehouse.source;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.contract.SourceContract;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolves the four logical tables to their sources. For each table, in order:
 * {@code --source} (all four tables from one database) &gt; {@code source.<table>.url} &gt;
 * {@code source.url}; physical name from {@code source.<table>.table} (default: the logical name);
 * column map from {@code source.<table>.columns}.
 */
public final class Sources {
  private Sources() {}

  public static Map<String, SourceTable> resolve(Settings settings, String sourceOverride) {
    Map<String, SourceTable> out = new LinkedHashMap<>();
    for (String t : SourceContract.names()) {
      String url = sourceOverride;
      if (url == null || url.isBlank()) {
        url = settings.getOrDefault("source." + t + ".url", settings.get(ConfigKey.SOURCE_URL));
      }
      if (url == null || url.isBlank()) {
        throw new ConfigException("no source for table " + t + ": set --source, source.url or source." + t + ".url");
      }
      String physical = sourceOverride != null ? t : settings.getOrDefault("source." + t + ".table", t);
      Map<String, String> cols = sourceOverride != null ? Map.of()
          : SourceTable.parseColumnMap(t, settings.get("source." + t + ".columns"));
      out.put(t, new SourceTable(t, url.trim(), physical, cols));
    }
    return out;
  }
}
