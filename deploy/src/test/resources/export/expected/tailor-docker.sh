# python3-app: Docker
sudo apparmor_parser -r src/test/resources/export/python3-app/apparmor.profile
docker run --security-opt seccomp=src/test/resources/export/python3-app/seccomp.json --security-opt apparmor=python3-app IMAGE

# hostile: Docker
sudo apparmor_parser -r src/test/resources/export/hostile/apparmor.profile
docker run --security-opt seccomp=src/test/resources/export/hostile/seccomp.json --security-opt apparmor=hostile IMAGE

# with-args: Docker
docker run --security-opt seccomp=src/test/resources/export/with-args/seccomp.json IMAGE
