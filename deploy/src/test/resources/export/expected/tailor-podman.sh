# python3-app: Podman, with the profile file
sudo apparmor_parser -r src/test/resources/export/python3-app/apparmor.profile
podman run --security-opt seccomp=src/test/resources/export/python3-app/seccomp.json --security-opt apparmor=python3-app IMAGE
# python3-app: Podman, through tailor's precreate hook (tailor hook install), from the store
sudo mkdir -p /var/lib/tailor/profiles/python3-app && sudo cp -r src/test/resources/export/python3-app/. /var/lib/tailor/profiles/python3-app/
podman run --annotation io.tailor.profile=python3-app IMAGE

# hostile: Podman, with the profile file
sudo apparmor_parser -r src/test/resources/export/hostile/apparmor.profile
podman run --security-opt seccomp=src/test/resources/export/hostile/seccomp.json --security-opt apparmor=hostile IMAGE
# hostile: Podman, through tailor's precreate hook (tailor hook install), from the store
sudo mkdir -p /var/lib/tailor/profiles/hostile && sudo cp -r src/test/resources/export/hostile/. /var/lib/tailor/profiles/hostile/
podman run --annotation io.tailor.profile=hostile IMAGE

# with-args: Podman, with the profile file
podman run --security-opt seccomp=src/test/resources/export/with-args/seccomp.json IMAGE
# with-args: Podman, through tailor's precreate hook (tailor hook install), from the store
sudo mkdir -p /var/lib/tailor/profiles/with-args && sudo cp -r src/test/resources/export/with-args/. /var/lib/tailor/profiles/with-args/
podman run --annotation io.tailor.profile=with-args IMAGE
