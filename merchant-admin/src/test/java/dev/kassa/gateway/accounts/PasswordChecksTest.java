package dev.kassa.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** bcrypt runs on its own bounded threads: a crowd of checks beyond the queue is refused at once, never lined up without end. */
class PasswordChecksTest {

    @Test
    void checks_match_and_a_full_queue_refuses_at_once() throws Exception {
        PasswordChecks checks = new PasswordChecks(1);
        try {
            String hash = checks.hash("correct horse battery");
            assertThat(checks.matches(hash, "correct horse battery", false)).isTrue();
            assertThat(checks.matches(hash, "wrong horse battery", false)).isFalse();
            assertThat(checks.matches(null, "anything at all", false)).as("no password set").isFalse();

            // One thread, a queue of 4: one check running and 4 waiting (held on a latch), the next caller is refused at once.
            // The first is running before the others are sent: sent together, on a busy machine all five could reach
            // the queue before its thread took the first, and the fifth was refused (CI saw it).
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            ExecutorService callers = Executors.newFixedThreadPool(5);
            List<Future<Boolean>> held = new ArrayList<>();
            held.add(callers.submit(() -> checks.run(() -> {
                running.countDown();
                return release.await(60, TimeUnit.SECONDS);
            })));
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 4; i++) {
                held.add(callers.submit(() -> checks.run(() -> release.await(60, TimeUnit.SECONDS))));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> checks.queued() == 4);
            assertThatThrownBy(() -> checks.matches(hash, "wrong horse battery", false)).isInstanceOf(PasswordChecks.Busy.class);
            assertThat(checks.matches(hash, "correct horse battery", true)).as("a known browser's lane is its own").isTrue();
            release.countDown();
            for (Future<Boolean> answer : held) {
                assertThat(answer.get()).isTrue();
            }
            callers.shutdown();
            assertThat(checks.matches(hash, "correct horse battery", false)).as("and checks run again").isTrue();
        } finally {
            checks.close();
        }
    }

    @Test
    void busy_is_a_checked_answer_with_no_stack_to_log() {
        assertThatThrownBy(() -> {
            throw new PasswordChecks.Busy();
        }).isInstanceOf(PasswordChecks.Busy.class).satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }
}
