namespace ReviewPortal.Web.Domain;

/// <summary>
/// A mail to send, stored before sending. <see cref="DeduplicationKey"/> is unique per logical
/// message, so a retry or a crash between send and mark never produces a second mail.
/// </summary>
public class OutboxEmail
{
    public long Id { get; set; }
    public required string DeduplicationKey { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public required string TextBody { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}

public enum OutboxStatus
{
    Pending = 0,
    Sent = 1,
    DeadLetter = 2,
}
