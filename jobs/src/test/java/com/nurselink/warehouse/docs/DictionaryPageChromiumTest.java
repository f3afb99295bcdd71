package com.nurselink.warehouse.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML page of the data dictionary in headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs when missing): the rendered page is not blank, and its DOM lists every
 * table (the list, one section each, one box of the lineage each). The page is opened from a file:
 * nothing is fetched.
 */
class DictionaryPageChromiumTest {
  @TempDir Path dir;

  private static Path chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) {
        return Path.of(c);
      }
    }
    throw new AssertionError("Chromium is not installed: apt-get install -y chromium (.ci/run installs it)");
  }

  /** Runs headless Chromium on the page; returns its standard output. */
  private String chromium(Path page, String... what) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--disable-background-networking",
        "--user-data-dir=" + dir.resolve("profile")));
    cmd.addAll(List.of(what));
    cmd.add(page.toUri().toString());
    Path out = dir.resolve("chromium.out");
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium.err").toFile())
        .redirectOutput(out.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s");
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + Files.readString(dir.resolve("chromium.err")));
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void thePageRendersAndListsEveryTable() throws Exception {
    DataDictionary.Dictionary d = DataDictionary.build();
    Path docs = dir.resolve("docs");
    DictionaryPages.write(d, docs);
    Path page = docs.resolve("index.html");

    Path shot = dir.resolve("page.png");
    chromium(page, "--window-size=1400,1000", "--screenshot=" + shot);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1400, img.getWidth());
    assertEquals(1000, img.getHeight());
    Set<Integer> colours = new HashSet<>();
    long inked = 0;
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colours.add(rgb);
        if (rgb != 0xffffff) {
          inked++;
        }
      }
    }
    long sampled = (long) (img.getWidth() / 2) * (img.getHeight() / 2);
    assertTrue(colours.size() > 20, "the screenshot has " + colours.size() + " colours: a blank page?");
    assertTrue(inked > sampled / 20, "the screenshot is " + (100 * inked / sampled) + " % ink: a blank page?");

    String dom = chromium(page, "--dump-dom");
    int boxes = 0;
    for (DataDictionary.Table t : d.tables()) {
      assertTrue(dom.contains("<tr><td><a href=\"#" + t.name() + "\">" + t.name() + "</a></td>"), t.name() + " not listed");
      assertTrue(dom.contains("<section id=\"" + t.name() + "\">"), t.name() + " has no section");
      if (!t.kind().equals("run ledger")) {
        assertTrue(dom.contains("<a href=\"#" + t.name() + "\"><rect"), t.name() + " has no box in the lineage");
        boxes++;
      }
    }
    long sources = d.edges().stream().map(DataDictionary.Edge::from).filter(n -> n.startsWith("source.")).distinct().count();
    assertEquals(boxes + sources, dom.split("<rect ", -1).length - 1, "boxes of the lineage");
  }
}
