package dev.tailor.generator.apparmor;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Debian abstractions the generator may include, with the file rules of each that it relies on
 * to drop its own rules. The rule lines are those of Debian 12's apparmor 3.0.8 {@code
 * /etc/apparmor.d/abstractions} files (file rules only; includes, dbus and network rules left out),
 * kept here so a profile does not depend on the machine that generates it; a test checks them
 * against the installed files where apparmor_parser is present.
 */
enum Abstraction {
  BASE(
      "base",
      List.of(
          "/dev/log w,",
          "/dev/random r,",
          "/dev/urandom r,",
          "@{etc_ro}/locale/** r,",
          "@{etc_ro}/locale.alias r,",
          "@{etc_ro}/localtime r,",
          "/usr/share/locale/** r,",
          "/usr/share/**/locale/** r,",
          "/usr/share/zoneinfo/ r,",
          "/usr/share/zoneinfo/** r,",
          "/usr/lib{,32,64}/locale/** mr,",
          "/usr/lib{,32,64}/gconv/*.so mr,",
          "/usr/lib{,32,64}/gconv/gconv-modules* mr,",
          "/usr/lib/@{multiarch}/gconv/*.so mr,",
          "/usr/lib/@{multiarch}/gconv/gconv-modules* mr,",
          "@{etc_ro}/ld.so.cache mr,",
          "@{etc_ro}/ld.so.conf r,",
          "@{etc_ro}/ld.so.conf.d/{,*.conf} r,",
          "@{etc_ro}/ld.so.preload r,",
          "/{usr/,}lib{,32,64}/ld{,32,64}-*.so mr,",
          "/{usr/,}lib/@{multiarch}/ld{,32,64}-*.so mr,",
          "/{usr/,}lib{,32,64}/** r,",
          "/{usr/,}lib{,32,64}/**.so* mr,",
          "/{usr/,}lib/@{multiarch}/** r,",
          "/{usr/,}lib/@{multiarch}/**.so* mr,",
          "/dev/null rw,",
          "/dev/zero rw,",
          "/dev/full rw,",
          "@{PROC}/sys/kernel/version r,",
          "@{PROC}/sys/kernel/ngroups_max r,",
          "@{PROC}/meminfo r,",
          "@{PROC}/stat r,",
          "@{PROC}/cpuinfo r,",
          "@{sys}/devices/system/cpu/ r,",
          "@{sys}/devices/system/cpu/online r,",
          "@{sys}/devices/system/cpu/possible r,",
          "@{PROC}/@{pid}/{maps,auxv,status} r,",
          "@{PROC}/sys/crypto/* r,",
          "@{PROC}/filesystems r,",
          "@{PROC}/sys/vm/overcommit_memory r,",
          "@{PROC}/sys/kernel/cap_last_cap r,")),
  NAMESERVICE(
      "nameservice",
      List.of(
          "@{etc_ro}/group r,",
          "@{etc_ro}/host.conf r,",
          "@{etc_ro}/hosts r,",
          "@{etc_ro}/nsswitch.conf r,",
          "@{etc_ro}/gai.conf r,",
          "@{etc_ro}/passwd r,",
          "@{etc_ro}/protocols r,",
          "@{etc_ro}/resolv.conf r,",
          "@{run}/systemd/resolve/stub-resolv.conf r,",
          "@{etc_ro}/services r,",
          "/{usr/,}lib{,32,64}/libnss_*.so* mr,",
          "/{usr/,}lib/@{multiarch}/libnss_*.so* mr,",
          "@{etc_ro}/default/nss r,")),
  PYTHON(
      "python",
      List.of(
          "/usr/{local/,}lib{,32,64}/python{2.[4-7],3,3.[0-9],3.1[0-9]}/**.{pyc,so,so.*[0-9]} mr,",
          "/usr/{local/,}lib{,32,64}/python{2.[4-7],3,3.[0-9],3.1[0-9]}/**.{egg,py,pth} r,",
          "/usr/{local/,}lib{,32,64}/python{2.[4-7],3,3.[0-9],3.1[0-9]}/{site,dist}-packages/ r,",
          "/usr/{local/,}lib{,32,64}/python3.{1,}[0-9]/lib-dynload/*.so mr,",
          "/etc/python{2.[4-7],3.[0-9],3.1[0-9]}/** r,",
          "/usr/lib/python3/dist-packages/**.so mr,")),
  SSL_CERTS(
      "ssl_certs",
      List.of(
          "/etc/ca-certificates/{,**} r,",
          "/etc/{,libre}ssl/ r,",
          "/etc/{,libre}ssl/cert.pem r,",
          "/etc/{,libre}ssl/certs/{,**} r,",
          "/usr/share/ca-certificates/{,**} r,",
          "/usr/local/share/ca-certificates/{,**} r,")),
  OPENSSL(
      "openssl",
      List.of(
          "/etc/ssl/openssl.cnf r,",
          "/etc/ssl/{engdef,engines}.d/ r,",
          "/etc/ssl/{engdef,engines}.d/*.cnf r,",
          "@{PROC}/sys/crypto/fips_enabled r,"));

  /** One rule line of an abstraction: its path glob and permissions. */
  record Rule(AppArmorGlob glob, Perms perms) {}

  // "[owner] PATH PERMS," with PATH unquoted; owner rules are left out since who owns a file the
  // workload touched is not recorded, so they cannot be relied on to cover it.
  // In a holder: enum constants are built before the enum's own static fields.
  private static final class Syntax {
    static final Pattern LINE = Pattern.compile("\\s*(\\S+)\\s+([rwalkmixpcuPCU]+)\\s*,\\s*");
  }

  private final String fileName;
  private final List<String> lines;
  private final List<Rule> rules;

  Abstraction(String fileName, List<String> lines) {
    this.fileName = fileName;
    this.lines = lines;
    this.rules = lines.stream().map(Abstraction::parse).toList();
  }

  /** The name under {@code abstractions/}. */
  String fileName() {
    return fileName;
  }

  /** The rule lines as they stand in the Debian file (spaces folded). */
  List<String> lines() {
    return lines;
  }

  List<Rule> rules() {
    return rules;
  }

  /** The permissions this abstraction grants on the path (directories end in '/'). */
  Perms grants(String pathText) {
    Perms p = Perms.NONE;
    for (Rule r : rules) {
      if (r.glob().matches(pathText)) {
        p = p.union(r.perms());
      }
    }
    return p;
  }

  /** Parses one file rule line of an abstraction file. */
  static Rule parse(String line) {
    Matcher m = Syntax.LINE.matcher(line);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a file rule: " + line);
    }
    return new Rule(AppArmorGlob.compile(m.group(1)), Perms.parse(m.group(2), false));
  }
}
