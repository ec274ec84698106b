package dev.kassa.bench;

import dev.kassa.localkafka.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx (nginx-light) as the merchants' webhook receiver: it answers every POST with 200 and logs each with
 * its time ({@code $msec}), so deliveries/s are counted from its own log, and the same server is the ceiling that
 * {@code wrk} POSTing to it measures. A native receiver: the relay's figure is then the relay's, not a JVM receiver's.
 */
final class NginxReceiver implements AutoCloseable {

    static final String NGINX = "/usr/sbin/nginx";

    private final Path dir;
    private final Process process;
    private final int port;
    /** Lines of the log before the relay's run (the ceiling's): not counted. */
    private long skip;

    private NginxReceiver(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** Starts one, or explains how to get nginx. */
    static NginxReceiver start() throws IOException, InterruptedException {
        if (!new File(NGINX).canExecute()) {
            throw new IllegalStateException("kassa bench relay --receiver nginx needs nginx at " + NGINX
                    + ": `apt-get install nginx-light` (Debian), or use --receiver jdk");
        }
        Path dir = Files.createTempDirectory("kassa-bench-nginx-");
        int port = FreePorts.pick();
        Files.writeString(dir.resolve("nginx.conf"), """
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                worker_processes 1;
                events { worker_connections 4096; }
                http {
                  log_format deliveries '$msec $status';
                  access_log %1$s/access.log deliveries buffer=256k flush=1s;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  keepalive_requests 1000000;
                  server {
                    listen 127.0.0.1:%2$d;
                    location /ceiling { access_log off; return 200 "ok"; }
                    location / { return 200 "ok"; }
                  }
                }
                """.formatted(dir, port));
        Process process = new ProcessBuilder(NGINX, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        NginxReceiver receiver = new NginxReceiver(dir, process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return receiver;
            } catch (IOException notYet) {
                Thread.sleep(50); // nginx binds its port a moment after it starts; nothing to await on
            }
        }
        receiver.close();
        throw new IllegalStateException("nginx did not listen on " + port + ": " + Files.readString(dir.resolve("nginx.out")));
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** The same server, unlogged: what wrk POSTs to for the ceiling. */
    String ceilingUrl() {
        return "http://127.0.0.1:" + port + "/ceiling";
    }

    /** The POSTs nginx logged so far, and from the first to the last the rate (its log is flushed every second). */
    record Count(long requests, double perSecond, double firstEpochSeconds) {
        Count(long requests, double perSecond) {
            this(requests, perSecond, 0);
        }
    }

    Count count() throws IOException {
        Path log = dir.resolve("access.log");
        if (!Files.exists(log)) {
            return new Count(0, 0);
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> lines = all.subList((int) Math.min(skip, all.size()), all.size());
        if (lines.size() < 2) {
            return new Count(lines.size(), 0);
        }
        double first = Double.parseDouble(lines.get(0).split(" ")[0]);
        double last = Double.parseDouble(lines.get(lines.size() - 1).split(" ")[0]);
        return new Count(lines.size(), last > first ? (lines.size() - 1) / (last - first) : 0, first);
    }

    /**
     * Counts from here on (between the ceiling and the relay's run). The log is not reopened: nginx's workers run as
     * another user than the directory's owner.
     */
    void reset() throws IOException, InterruptedException {
        Thread.sleep(1500); // nginx flushes its buffered log every second
        Path log = dir.resolve("access.log");
        skip = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
