package dev.tasksupervisor.docs.migrating;

import org.springframework.stereotype.Service;

import dev.tasksupervisor.annotation.Retry;
import dev.tasksupervisor.annotation.Worker;
import dev.tasksupervisor.worker.QueueWorker;

/** docs/migrating.md, From @Async, after: the worker and its caller. */
@Service
class Mailer {

    @Worker(queue = true, queueCapacity = 10_000, retry = @Retry(maxRetries = 3, delay = "2s"))
    void send(Mail mail) {
        // render and send the mail
    }
}

@Service
class SignUp {

    private final QueueWorker<Mail> send;   // the worker of Mailer.send(Mail)

    SignUp(QueueWorker<Mail> send) {
        this.send = send;
    }

    void register(String address) {
        send.put(new Mail(address, "Welcome"));
    }
}
