package dev.kassa.cli;

import dev.kassa.observability.OpsServer;
import java.io.IOException;

/** Starts a service's ops port, or says in one sentence why it cannot. */
final class OpsServers {

    private OpsServers() {
    }

    static OpsServer start(int port) {
        if (port > 65535) {
            throw new UserError("--ops-port must be from 1 to 65535, not " + port + ".");
        }
        try {
            return new OpsServer(port);
        } catch (IOException e) {
            throw new UserError("cannot serve /metrics and /health on port " + port + " (" + e.getMessage()
                    + "); choose another --ops-port.");
        }
    }
}
