package dev.tailor.deploy.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A kernel with or without AppArmor that records what it was asked to load. */
final class FakeAppArmor implements AppArmorHost {
  final boolean enabled;
  final String failure;
  final List<Path> loaded = new ArrayList<>();
  final List<byte[]> texts = new ArrayList<>();

  FakeAppArmor(boolean enabled, String failure) {
    this.enabled = enabled;
    this.failure = failure;
  }

  static FakeAppArmor off() {
    return new FakeAppArmor(false, "");
  }

  static FakeAppArmor on() {
    return new FakeAppArmor(true, "");
  }

  @Override
  public boolean enabled() {
    return enabled;
  }

  @Override
  public void load(byte[] text, Path file) throws ApplyException {
    if (!failure.isEmpty()) {
      throw new ApplyException(failure);
    }
    loaded.add(file);
    texts.add(text.clone());
  }
}
