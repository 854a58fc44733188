package dev.tailor.deploy.observe;

import java.time.Instant;
import java.util.List;

/**
 * One distinct call a container made that its profile lacks: the first such call's arguments and
 * paths, how often calls like it were made, and when.
 *
 * @param syscall the syscall's name
 * @param args the first call's six argument registers, or empty where they were not seen
 * @param paths the absolute paths it named (the container's view), or empty
 * @param count how many calls like it were seen
 */
public record SeenCall(
    String syscall, List<Long> args, List<String> paths, long count, Instant first, Instant last) {
  public SeenCall {
    args = List.copyOf(args);
    paths = List.copyOf(paths);
    if (count < 1) {
      throw new IllegalArgumentException("a seen call was seen at least once");
    }
  }
}
