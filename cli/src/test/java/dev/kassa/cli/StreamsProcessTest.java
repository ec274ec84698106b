package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StreamsProcessTest {

    @Test
    void a_client_in_error_ends_the_process_with_a_failure_status_and_says_so() throws Exception {
        StringWriter said = new StringWriter();
        int status = StreamsProcess.await(new CountDownLatch(1), () -> KafkaStreams.State.ERROR, "relay", new PrintWriter(said));
        assertThat(status).isEqualTo(StreamsProcess.FAILED).isNotZero();
        assertThat(said.toString()).contains("kassa relay").contains("exiting for a restart");
    }

    @Test
    void a_stopped_process_ends_with_zero_and_a_running_client_keeps_it_waiting() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        KafkaStreams.State[] state = {KafkaStreams.State.RUNNING};
        Thread stopper = new Thread(() -> {
            state[0] = KafkaStreams.State.REBALANCING; // never ERROR: only the stop ends the wait
            stopped.countDown();
        });
        stopper.start();
        assertThat(StreamsProcess.await(stopped, () -> state[0], "aggregate", new PrintWriter(new StringWriter()))).isZero();
    }
}
