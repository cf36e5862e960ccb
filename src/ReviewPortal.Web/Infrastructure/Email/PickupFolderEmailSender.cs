using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace ReviewPortal.Web.Infrastructure.Email;

/// <summary>
/// Embedded mode: each message becomes <c>&lt;folder&gt;/&lt;hash of Message-Id&gt;.eml</c>, written to
/// a temporary name and renamed, so a file is either complete or absent, and a second hand-off of
/// the same message finds the first file instead of writing another.
/// </summary>
public sealed class PickupFolderEmailSender(string folder) : IEmailSender
{
    public string Folder { get; } = folder;

    public Task<IEmailSession> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EmailDeliveryException($"Pickup folder {Folder} unavailable: {ex.Message}", outcomeUnknown: false, ex);
        }
        return Task.FromResult<IEmailSession>(new Session(this));
    }

    public Task<DeliveryCheck> CheckDeliveredAsync(string messageId, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathFor(messageId)) ? DeliveryCheck.Delivered : DeliveryCheck.NotDelivered);

    public string PathFor(string messageId)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..32];
        return Path.Combine(Folder, hash + ".eml");
    }

    private sealed class Session(PickupFolderEmailSender sender) : IEmailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
        {
            var final = sender.PathFor(message.MessageId ?? throw new ArgumentException("The message has no Message-Id.", nameof(message)));
            if (File.Exists(final))
            {
                return;
            }
            var temp = Path.Combine(sender.Folder, $".{Guid.NewGuid():N}.tmp");
            try
            {
                await message.WriteToAsync(temp, cancellationToken);
                File.Move(temp, final, overwrite: false);
            }
            catch (IOException) when (File.Exists(final))
            {
                // Already handed off: the first copy stands.
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new EmailDeliveryException($"Could not write {final}: {ex.Message}", outcomeUnknown: false, ex);
            }
            finally
            {
                File.Delete(temp);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
