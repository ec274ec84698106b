package dev.kassa.relay.stream;

import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpointStatus;

/**
 * Where finished attempts go: the webhook-attempts topic (the relay reads them back and folds them in), and, on a
 * 410 Gone, the relay's own fact that it disabled the endpoint (kassa.webhook-endpoint-status; the relay never writes
 * merchant records). Called from dispatcher threads.
 */
public interface AttemptSink {

    void attempted(WebhookAttempt attempt);

    void endpointDisabled(WebhookEndpointStatus status);
}
