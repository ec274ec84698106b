package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances of one service on one machine each get a state directory of their own, and the first one keeps -0. */
class InstanceSlotTest {

    @TempDir
    Path root;

    @Test
    void a_second_instance_gets_the_next_slot_and_a_restart_gets_the_first_back() throws Exception {
        try (InstanceSlot first = InstanceSlot.claim(root, "kassa-aggregate");
             InstanceSlot second = InstanceSlot.claim(root, "kassa-aggregate")) {
            assertThat(first.name()).isEqualTo("kassa-aggregate-0");
            assertThat(second.name()).isEqualTo("kassa-aggregate-1");
            assertThat(first.dir()).isEqualTo(root.resolve("kassa-aggregate-0")).isDirectory();
            assertThat(second.dir()).isEqualTo(root.resolve("kassa-aggregate-1")).isDirectory();
        }
        try (InstanceSlot restarted = InstanceSlot.claim(root, "kassa-aggregate")) {
            assertThat(restarted.name()).as("its own stores and group membership again").isEqualTo("kassa-aggregate-0");
        }
    }

    @Test
    void a_state_directory_given_twice_is_refused_for_the_second_instance() throws Exception {
        Path dir = root.resolve("shared");
        try (InstanceSlot held = InstanceSlot.hold(dir, "kassa-relay")) {
            assertThat(held.name()).isEqualTo("kassa-relay-shared");
            assertThatThrownBy(() -> InstanceSlot.hold(dir, "kassa-relay")).isInstanceOf(UserError.class)
                    .hasMessageContaining("is in use by another running instance");
        }
    }
}
