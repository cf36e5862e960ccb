using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ReviewPortal.Web.Infrastructure.Email;

/// <summary>MailKit over SMTP. Logs host, port and user; never the password.</summary>
public sealed class SmtpEmailSender(EmailOptions options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task<IEmailSession> OpenAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Smtp;
        var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        try
        {
            var security = !smtp.UseTls ? SecureSocketOptions.None
                : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
                : SecureSocketOptions.StartTls;
            await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
            {
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            }
            return new Session(client);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpCommandException or SmtpProtocolException
                                       or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            client.Dispose();
            logger.LogWarning("SMTP {Host}:{Port} (user {User}) unavailable: {Error}", smtp.Host, smtp.Port, smtp.User ?? "none", ex.Message);
            // Nothing was handed over before the session existed: safe to retry.
            throw new EmailDeliveryException($"SMTP {smtp.Host}:{smtp.Port} unavailable: {ex.Message}", outcomeUnknown: false, ex);
        }
    }

    /// <summary>SMTP has no way to ask whether a message was accepted earlier.</summary>
    public Task<DeliveryCheck> CheckDeliveredAsync(string messageId, CancellationToken cancellationToken) =>
        Task.FromResult(DeliveryCheck.Unknown);

    private sealed class Session(SmtpClient client) : IEmailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            try
            {
                await client.SendAsync(message, cancellationToken);
            }
            catch (SmtpCommandException ex)
            {
                // The server answered with an error code: it did not take the message.
                throw new EmailDeliveryException($"SMTP {(int)ex.StatusCode} {ex.ErrorCode}: {ex.Message}", outcomeUnknown: false, ex);
            }
            catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException)
            {
                // The connection broke mid-conversation; if that was after the final "." the
                // server may already have queued the message.
                throw new EmailDeliveryException($"SMTP connection lost while sending: {ex.Message}", outcomeUnknown: true, ex);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException)
            {
                // QUIT after the messages were accepted: nothing left to lose.
            }
            client.Dispose();
        }
    }
}
