#pragma once

// How events travel to the API: plain data on the lowest floor, so that the
// config file fills it, the sender obeys it and the pipeline hands it from
// one to the other without either including the other.
namespace model {

// Network limits of one request, in seconds.
struct NetworkLimits {
    // To open a connection.
    long connect = 10;
    // For one whole request.
    long total = 30;
    // Abort a transfer that moves less than one byte per second for this long.
    long low_speed = 15;
};

// How failed deliveries are spaced out, in seconds.
struct RetryPolicy {
    // The first delay; each failure after it doubles the delay.
    long initial_backoff = 5;
    // The longest delay the doubling reaches.
    long max_backoff = 3600;
    // The longest Retry-After the server may ask for before it is capped.
    long max_retry_after = 3600;
    // How long a recorded push that cannot be derived is retried before it
    // is parked as failed: long enough to outlast a repository's move or an
    // unreadable disk for a while.
    long max_age = 7 * 24 * 3600;
};

// How many requests delivery keeps in flight, and how a stop treats them.
struct DeliveryPolicy {
    // The most requests in flight at once; the courier finds how many the
    // server takes below it. 100 fits in one HTTP/2 connection (h2o and
    // Apache allow 100 streams, nginx 128, Go 250) and, at a 50 ms round
    // trip, carries up to 2,000 events/s.
    long concurrency = 100;
    // How long, in seconds, a stopping process lets its requests in flight
    // end and records their answers before it abandons them (they are then
    // sent again later).
    long stop_grace = 10;
};

} // namespace model
