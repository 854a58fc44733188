package dev.tailor.tracer.call;

import java.util.List;

/**
 * What one traced call did, decoded from strace's text or from the kernel's record: the backends
 * meet here, and one interpreter applies it to the recording. It holds no pid, so the same call in
 * another process is an equal value (a replay key).
 *
 * @param name the syscall, interned
 * @param errno the errno name of a failed call ({@code ENOENT}), else empty
 * @param effects what the call did, in the order they are applied
 */
public record Call(String name, String errno, List<Effect> effects) {
  public Call {
    effects = List.copyOf(effects);
  }
}
