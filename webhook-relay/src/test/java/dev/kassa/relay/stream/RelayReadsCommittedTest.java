package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The aggregate writes events in transactions; an aborted one must never become a webhook. */
@ExtendWith(KafkaExtension.class)
class RelayReadsCommittedTest {

    @TempDir
    Path stateDir;

    @Test
    void an_event_from_an_aborted_transaction_is_never_sent(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long merchant = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 10;
        try (Receiver receiver = new Receiver()) {
            try (KafkaProducer<Long, Merchant> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    Serdes.Long().serializer(), Topics.MERCHANTS.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), merchant, Merchant.newBuilder().setMerchantId(merchant)
                        .setEmail("m@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                        .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(receiver.url("/ok"))
                        .setWebhookSecret(RelayDriver.SECRET).setCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build())).get();
            }
            try (KafkaProducer<SessionEventKey, SessionEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborting-aggregate-" + base,
                    ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName()),
                    Topics.SESSION_EVENTS.keySerde().serializer(), Topics.SESSION_EVENTS.valueSerde().serializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(base, 1), created(merchant, base)));
                producer.flush();
                producer.abortTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(base + 1, 1), created(merchant, base + 1)));
                producer.commitTransaction();
            }
            RelayService.Config defaults = RelayService.Config.defaults(kafka.bootstrapServers(), stateDir, true);
            try (RelayService relay = RelayService.start(new RelayService.Config(defaults.kafka(), "committed-" + base,
                    stateDir, true, defaults.requestTimeout(), defaults.settings(), Map.of()))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received("/ok").stream()
                        .anyMatch(r -> r.webhookId().equals("evt_" + (base + 1) + "_1")));
            }
            assertThat(receiver.received("/ok")).extracting(Receiver.Received::webhookId).doesNotContain("evt_" + base + "_1");
        }
    }

    private static SessionEvent created(long merchant, long session) {
        Instant now = Instant.now();
        return SessionEvent.newBuilder().setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(merchant).setSequence(1)
                .setOccurredAt(now).setStatus(SessionStatus.CREATED).setPreviousStatus(null)
                .setCause(new EventCause("c", "CreateSession", "test", "d"))
                .setPayload(SessionCreated.newBuilder().setOrderId("O-" + session).setAmountMinor(1000).setCurrency("EUR")
                        .setShopDomain("shop.example").setExpiresAt(now.plusSeconds(900)).setGraceSeconds(1800).build()).build();
    }
}
