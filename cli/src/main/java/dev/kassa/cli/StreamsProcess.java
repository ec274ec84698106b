package dev.kassa.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How a service process built on one Kafka Streams client ends: when it is stopped, or when the client has failed for
 * good (ERROR: a global thread died, or a failure no replaced stream thread can get past). A failed client does no work
 * and never recovers by itself, so the process exits non-zero and its supervisor (docker-compose's
 * {@code restart: unless-stopped}, systemd, Kubernetes) starts a new one, which resumes from the committed offsets.
 */
final class StreamsProcess {

    /** The exit status of a process whose client failed (EX_SOFTWARE). */
    static final int FAILED = 70;

    private StreamsProcess() {
    }

    /** Waits until {@code stopped} opens (0) or the client is in ERROR (the status {@link #FAILED}). */
    static int await(CountDownLatch stopped, Supplier<KafkaStreams.State> state, String name, PrintWriter out) throws InterruptedException {
        while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
            if (state.get() == KafkaStreams.State.ERROR) {
                out.println("kassa " + name + ": its Kafka Streams client failed (the log says why); exiting for a restart");
                out.flush();
                return FAILED;
            }
        }
        return 0;
    }
}
