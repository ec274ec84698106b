package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.localkafka.FreePorts;
import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.Topics;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevEnvironmentTest {

    @TempDir
    Path dataDir;

    @Test
    void first_start_creates_every_topic_and_a_second_start_on_the_same_data_keeps_them() throws Exception {
        int port = FreePorts.pick();
        try (DevEnvironment env = DevEnvironment.start(dataDir, port)) {
            assertThat(env.kafka().bootstrapServers()).isEqualTo("localhost:" + port);
            assertThat(env.topics()).extracting(TopicCheck::action).containsOnly(Action.CREATED);
            assertThat(env.topics()).hasSameSizeAs(Topics.all());
        }
        try (DevEnvironment env = DevEnvironment.start(dataDir, port)) {
            assertThat(env.topics()).extracting(TopicCheck::action).containsOnly(Action.VERIFIED);
        }
    }
}
