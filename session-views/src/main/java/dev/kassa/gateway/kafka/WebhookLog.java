package dev.kassa.gateway.kafka;

import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.WebhookAttempt;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The webhook side of the log as the gateway uses it: redeliveries it queues for the relay, attempts the relay recorded. */
@Singleton
public final class WebhookLog {

    private final KafkaAccess access;
    private final TopicProducer producer;

    WebhookLog(KafkaAccess access, TopicProducer producer) {
        this.access = access;
        this.producer = producer;
    }

    /** Queues an operator's redelivery for the relay. */
    public void redeliver(RedeliveryRequest request) throws Exception {
        producer.send(Topics.WEBHOOK_REDELIVERIES, request.getSessionId(), request).get(10, TimeUnit.SECONDS);
    }

    /** The webhook attempts recorded since {@code since} that {@code wanted} accepts, in topic order per partition. */
    public List<WebhookAttempt> attemptsSince(Instant since,
                                                                    Predicate<WebhookAttempt> wanted) {
        List<WebhookAttempt> found = new ArrayList<>();
        EventLogReplay.readSince(access, Topics.WEBHOOK_ATTEMPTS.name(), since, Topics.WEBHOOK_ATTEMPTS.keySerde().deserializer(),
                Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer(), (Long key, WebhookAttempt a) -> {
                    if (a != null && wanted.test(a)) {
                        found.add(a);
                    }
                });
        found.sort(Comparator.comparing(WebhookAttempt::getAttemptedAt));
        return found;
    }
}
