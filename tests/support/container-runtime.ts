import { existsSync } from 'node:fs';

/**
 * True when testcontainers finds a container engine. Skips the probe entirely where no engine can be
 * configured (no DOCKER_HOST, no socket, no testcontainers config), which keeps the fallback fast.
 */
export const containerRuntimeAvailable = async (): Promise<boolean> => {
  if (process.env.TESTCONTAINERS_DISABLED === 'true') return false;
  const home = process.env.HOME ?? '';
  const hints = [
    process.env.DOCKER_HOST,
    existsSync('/var/run/docker.sock') ? 'socket' : undefined,
    existsSync(`${home}/.docker/run/docker.sock`) ? 'desktop' : undefined,
    existsSync(`${home}/.testcontainers.properties`) ? 'properties' : undefined,
    process.env.XDG_RUNTIME_DIR && existsSync(`${process.env.XDG_RUNTIME_DIR}/podman/podman.sock`) ? 'podman' : undefined,
  ];
  if (!hints.some(Boolean)) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
};
