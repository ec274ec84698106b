package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** {@code kassa history --order/--email}: the operator API's lookup, printed; the one session found, if exactly one. */
final class SessionLookup {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SessionLookup() {
    }

    /** Prints the sessions found; answers the id when exactly one was found (its timeline follows), else null. */
    static Long find(HistoryCommand command, PrintWriter out) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        if (command.email != null && command.order == null && command.merchant == null) {
            body.put("email", command.email);
        } else if (command.email == null && command.order != null && command.merchant != null) {
            body.put("merchant_id", command.merchant).put("order_id", command.order);
        } else {
            throw new UserError("give a session id, or --order with --merchant, or --email.");
        }
        JsonNode sessions = JSON.readTree(command.operator.send("POST", "/admin/sessions/lookup", JSON.writeValueAsString(body))).get("sessions");
        if (command.json && (sessions.size() != 1 || command.bootstrap == null)) {
            out.println(JSON.writeValueAsString(sessions));
            out.flush();
            return null;
        }
        if (!command.json) {
            out.printf("%d session%s found%s%n", sessions.size(), sessions.size() == 1 ? "" : "s", sessions.isEmpty()
                    ? " in the session views (sessions retired from them are in the log: kassa history SESSION_ID)" : ", newest first:");
            for (JsonNode s : sessions) {
                out.printf("  %-17d  merchant %-17d  order %-24s  %-9s  %12s %s  created %s%n", s.get("session_id").asLong(),
                        s.get("merchant_id").asLong(), s.get("order_id").asText(), s.get("status").asText(), s.get("amount").asText(),
                        s.get("currency").asText(), s.get("created_at").asText());
            }
            out.flush();
        }
        return sessions.size() == 1 && command.bootstrap != null ? sessions.get(0).get("session_id").asLong() : null;
    }
}
