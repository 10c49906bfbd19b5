package io.tessera.server.cli;

import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.Image;
import io.tessera.cri.v1.ListImagesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tessera images}: ListImages through the daemon, as a table like crictl's. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    description = "List the images of a running daemon (CRI ListImages).")
final class ImagesCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Option(
      names = {"--quiet", "-q"},
      description = "Print image ids only.")
  boolean quiet;

  @Override
  public Integer call() {
    List<Image> images;
    try (CriConnection c = new CriConnection(client.socket)) {
      images =
          c.images(client.timeoutSeconds)
              .listImages(ListImagesRequest.getDefaultInstance())
              .getImagesList();
    } catch (StatusRuntimeException e) {
      System.err.println(
          "tessera images: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 1;
    }
    if (quiet) {
      images.forEach(i -> System.out.println(i.getId()));
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"IMAGE", "TAG", "IMAGE ID", "SIZE"});
    for (Image i : images) {
      String shortId = shortId(i.getId());
      String size = humanSize(i.getSize());
      if (i.getRepoTagsCount() == 0) {
        String repo =
            i.getRepoDigestsCount() == 0 ? "<none>" : i.getRepoDigests(0).replaceAll("@.*", "");
        rows.add(new String[] {repo, "<none>", shortId, size});
      }
      for (String tag : i.getRepoTagsList()) {
        int colon = tag.lastIndexOf(':');
        boolean hasTag = colon > tag.lastIndexOf('/');
        rows.add(
            new String[] {
              hasTag ? tag.substring(0, colon) : tag,
              hasTag ? tag.substring(colon + 1) : "<none>",
              shortId,
              size
            });
      }
    }
    print(rows);
    return 0;
  }

  static String shortId(String id) {
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    return hex.length() > 13 ? hex.substring(0, 13) : hex;
  }

  static String humanSize(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? bytes + "B" : String.format(java.util.Locale.ROOT, "%.3g%s", v, units[u]);
  }

  private static void print(List<String[]> rows) {
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + (w[i] + 3) + "s", r[i]));
      }
      System.out.println(sb.toString().stripTrailing());
    }
  }
}
