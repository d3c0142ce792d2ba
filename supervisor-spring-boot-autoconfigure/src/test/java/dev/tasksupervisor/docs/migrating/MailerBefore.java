package dev.tasksupervisor.docs.migrating;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/** docs/migrating.md, From @Async, before. */
@Service
class MailerBefore {

    @Async
    void send(Mail mail) {
        // render and send the mail
    }
}
