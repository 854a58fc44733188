import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import java.nio.file.Files;
import java.nio.file.Path;

/** bench/observe.sh's helper: writes PROFILE's notify variant (listenerPath SOCKET) to OUT. */
public class ObserveVariantFile {
  public static void main(String[] a) throws Exception {
    Files.writeString(Path.of(a[1]),
        SeccompJson.toJson(ObserveVariant.notifying(SeccompJson.read(Path.of(a[0])).profile(), a[2])));
  }
}
