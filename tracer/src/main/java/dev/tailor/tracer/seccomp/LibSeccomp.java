package dev.tailor.tracer.seccomp;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import java.util.Locale;

/**
 * The part of libseccomp 2.5 that tailor calls. {@code seccomp_rule_add} is variadic, so rules go
 * through {@code seccomp_rule_add_array}; architecture tokens are {@code uint32_t} passed as int.
 */
interface LibSeccomp extends Library {
  /** {@code __NR_SCMP_ERROR}: libseccomp does not know the name on any architecture. */
  int NR_SCMP_ERROR = -1;

  int seccomp_arch_native();

  int seccomp_arch_resolve_name(String archName);

  int seccomp_syscall_resolve_name_arch(int archToken, String name);

  /** The number of a syscall on the native architecture, as the _arch form with the native one. */
  int seccomp_syscall_resolve_name(String name);

  /** Returns a string the caller must free, or NULL. */
  Pointer seccomp_syscall_resolve_num_arch(int archToken, int number);

  Pointer seccomp_init(int defaultAction);

  void seccomp_release(Pointer ctx);

  int seccomp_arch_add(Pointer ctx, int archToken);

  int seccomp_attr_set(Pointer ctx, int attribute, int value);

  int seccomp_attr_get(Pointer ctx, int attribute, IntByReference value);

  /** Writes the filter's BPF program (an array of {@code struct sock_filter}) to {@code fd}. */
  int seccomp_export_bpf(Pointer ctx, int fd);

  int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int argCount, Pointer args);

  /** A pointer to {@code struct scmp_version {unsigned int major, minor, micro;}}. */
  Pointer seccomp_version();

  /** The shared library, loaded once per JVM. */
  static Loaded load() throws SeccompException {
    return Loaded.get();
  }

  /** The loaded library and its raw handle (for functions called through {@code Function}). */
  final class Loaded {
    private static Loaded instance;

    final LibSeccomp lib;
    final NativeLibrary raw;
    final String version;

    private Loaded(LibSeccomp lib, NativeLibrary raw) {
      this.lib = lib;
      this.raw = raw;
      Pointer v = lib.seccomp_version();
      this.version = v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }

    /** The token of an architecture libseccomp calls {@code name}; {@code shown} in the error. */
    int archToken(String name, String shown) throws SeccompException {
      int token = lib.seccomp_arch_resolve_name(name);
      if (token == 0) {
        throw new SeccompException(
            "libseccomp " + version + " does not know architecture " + shown);
      }
      return token;
    }

    /** The token of an OCI architecture name such as SCMP_ARCH_X86_64. */
    int ociArchToken(String oci) throws SeccompException {
      if (!oci.startsWith("SCMP_ARCH_")) {
        throw new SeccompException("unknown architecture " + oci);
      }
      return archToken(oci.substring(10).toLowerCase(Locale.ROOT), oci);
    }

    static synchronized Loaded get() throws SeccompException {
      if (instance == null) {
        // Debian ships libseccomp.so only in the -dev package; the runtime package has the .so.2.
        UnsatisfiedLinkError first = null;
        for (String name : new String[] {"libseccomp.so.2", "seccomp"}) {
          try {
            NativeLibrary raw = NativeLibrary.getInstance(name);
            instance = new Loaded(Native.load(name, LibSeccomp.class), raw);
            break;
          } catch (UnsatisfiedLinkError e) {
            if (first == null) {
              first = e;
            }
          }
        }
        if (instance == null) {
          throw new SeccompException(
              "libseccomp is not installed ("
                  + (first.getMessage() == null
                      ? "cannot load it"
                      : first.getMessage().split("\n", 2)[0])
                  + "); install"
                  + " libseccomp2 (Debian, Ubuntu) or libseccomp (Fedora, Alpine)",
              first);
        }
      }
      return instance;
    }
  }
}
