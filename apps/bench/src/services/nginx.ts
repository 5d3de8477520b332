/**
 * @module services/nginx — the baseline most teams would put in front of a TTS server: nginx
 * with `proxy_cache`, caching POST answers keyed on the request body. Installed from Debian
 * when missing and we are root (as scripts/system-deps.sh does for Chromium); otherwise the
 * caller gets the reason and skips only the nginx measurements.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, HOST, type ProcessSet, waitForHttp } from '../procs/index.ts'

/** nginx as started here, with the settings that matter to the comparison. */
export interface Nginx {
  url: string
  version: string
  workerProcesses: number
}

function findNginx(): string | undefined {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate
  }
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' })
  const found = which.stdout.trim()
  return which.status === 0 && found !== '' ? found : undefined
}

/**
 * The nginx binary, installing Debian's package when missing and possible; a string saying why
 * not otherwise.
 *
 * @example
 * const nginx = ensureNginx(console.error)
 * if (typeof nginx !== 'object') console.log(`skipped: ${nginx}`)
 */
export function ensureNginx(log: (line: string) => void): { path: string } | string {
  const present = findNginx()
  if (present) return { path: present }
  if (process.getuid?.() !== 0) {
    return 'nginx is not installed and this is not root; install it with: sudo apt-get install -y nginx-light'
  }
  if (!existsSync('/usr/bin/apt-get')) return 'nginx is not installed and apt-get is not available'
  log('bench: installing nginx-light from Debian (once)')
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx-light'], {
      stdio: 'ignore',
      env,
      timeout: 300_000,
    })
  } catch (error) {
    return `installing nginx-light failed: ${error instanceof Error ? error.message : String(error)}`
  }
  const installed = findNginx()
  return installed ? { path: installed } : 'nginx-light installed but no nginx binary found'
}

/**
 * The configuration: one worker (workerd runs the edge on one thread), access log off, cache on
 * disk keyed on method, URI and body (POST answers are not cached by default; this is the usual
 * way to make them so), 7-day validity like the edge's TTL.
 */
export function nginxConfig(o: { dir: string; port: number; upstream: string; root: boolean }) {
  return `${o.root ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${o.dir}/body;
  proxy_temp_path ${o.dir}/proxy;
  fastcgi_temp_path ${o.dir}/fastcgi;
  uwsgi_temp_path ${o.dir}/uwsgi;
  scgi_temp_path ${o.dir}/scgi;
  proxy_cache_path ${o.dir}/cache levels=1:2 keys_zone=tts:10m max_size=1g inactive=7d use_temp_path=off;
  server {
    listen ${HOST}:${o.port};
    client_body_buffer_size 64k;
    client_max_body_size 64k;
    location / {
      proxy_pass ${o.upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache tts;
      proxy_cache_methods POST;
      proxy_cache_key "$request_method|$request_uri|$request_body";
      proxy_cache_valid 200 7d;
      proxy_cache_lock on;
      add_header X-Cache $upstream_cache_status;
    }
  }
}
`
}

/**
 * Starts nginx in front of `upstream` (a URL on 127.0.0.1).
 *
 * @example
 * const nginx = await startNginx(procs, '/usr/sbin/nginx', tmp, emulator.url)
 */
export async function startNginx(
  procs: ProcessSet,
  binary: string,
  tmp: string,
  upstream: string,
): Promise<Nginx> {
  const dir = join(tmp, 'nginx')
  mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, nginxConfig({ dir, port, upstream, root: process.getuid?.() === 0 }))
  const version = spawnSync(binary, ['-v'], { encoding: 'utf8' }).stderr.trim()
  const started = procs.start('nginx', binary, [
    '-p',
    dir,
    '-c',
    conf,
    '-e',
    join(dir, 'error.log'),
  ])
  const url = `http://${HOST}:${port}`
  await Promise.race([
    waitForHttp(`${url}/languages`, 30_000),
    started.exited.then(() => {
      throw new Error(`nginx exited while starting:\n${started.tail()}`)
    }),
  ])
  return { url, version: version.replace(/^nginx version: /, ''), workerProcesses: 1 }
}
