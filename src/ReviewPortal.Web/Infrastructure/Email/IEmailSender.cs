using MimeKit;

namespace ReviewPortal.Web.Infrastructure.Email;

/// <summary>Hands finished messages to a mail system (an SMTP server or a pickup folder).</summary>
public interface IEmailSender
{
    /// <summary>Opens a session (one SMTP connection) for a batch. Throws <see cref="EmailDeliveryException"/> when the server cannot be reached.</summary>
    Task<IEmailSession> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// After a crash between hand-off and recording the result: did this message reach the mail
    /// system? A pickup folder can tell; an SMTP server cannot be asked.
    /// </summary>
    Task<DeliveryCheck> CheckDeliveredAsync(string messageId, CancellationToken cancellationToken);
}

public interface IEmailSession : IAsyncDisposable
{
    /// <summary>
    /// Returns once the mail system has accepted the message. Throws
    /// <see cref="EmailDeliveryException"/> for a failure that says what happened; any other
    /// exception means the outcome is unknown.
    /// </summary>
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

public enum DeliveryCheck
{
    Unknown,
    Delivered,
    NotDelivered,
}

/// <summary>A send failure with a known outcome.</summary>
public sealed class EmailDeliveryException(string message, bool outcomeUnknown, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>
    /// True when the server may have accepted the message before the failure (the connection
    /// broke during the data phase): resending could deliver it twice.
    /// </summary>
    public bool OutcomeUnknown { get; } = outcomeUnknown;
}
