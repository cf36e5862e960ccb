using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// The only way a mail leaves the portal: stored in the caller's transaction, sent later by
/// <see cref="SendOutboxJob"/>. One deduplication key is one logical message, ever.
/// </summary>
public static class EmailOutbox
{
    /// <summary>
    /// Adds the mail to <paramref name="db"/> (saved with the caller's SaveChanges) unless a mail
    /// with this key exists or is already staged. The unique index on the key is the final guard
    /// if two writers race. Returns false when the key was already taken.
    /// </summary>
    public static async Task<bool> EnqueueAsync(ReviewPortalDbContext db, string dedupKey, string to, string subject,
        string html, string text, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (db.OutboxEmails.Local.Any(m => m.DeduplicationKey == dedupKey)
            || await db.OutboxEmails.AnyAsync(m => m.DeduplicationKey == dedupKey, cancellationToken))
        {
            return false;
        }
        Stage(db, dedupKey, to, subject, html, text, now);
        return true;
    }

    /// <summary>
    /// Adds the mail without asking whether its key is taken: only for keys that cannot exist yet, such as a campaign
    /// created in the same unit of work (one query per reviewer would cost a large launch seconds). The unique index on
    /// the key still refuses a duplicate at commit.
    /// </summary>
    public static void Stage(ReviewPortalDbContext db, string dedupKey, string to, RenderedEmail mail, DateTimeOffset now) =>
        Stage(db, dedupKey, to, mail.Subject, mail.Html, mail.Text, now);

    private static void Stage(ReviewPortalDbContext db, string dedupKey, string to, string subject, string html, string text, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dedupKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        db.OutboxEmails.Add(new OutboxEmail
        {
            DeduplicationKey = dedupKey,
            To = to,
            // Subjects quote names and campaign names, each within its own column but not together within this one.
            Subject = MaxLengths.Truncate(subject, MaxLengths.OutboxEmail.Subject),
            HtmlBody = html,
            TextBody = text,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        });
    }

    public static Task<bool> EnqueueAsync(ReviewPortalDbContext db, string dedupKey, string to, RenderedEmail mail,
        DateTimeOffset now, CancellationToken cancellationToken = default) =>
        EnqueueAsync(db, dedupKey, to, mail.Subject, mail.Html, mail.Text, now, cancellationToken);

    /// <summary>
    /// Stable for a deduplication key, so every hand-off of one logical mail carries the same
    /// Message-Id (what an operator greps the MTA log for, and what mail stores collapse on).
    /// </summary>
    public static string MessageIdFor(string dedupKey, string from)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupKey)))[..32];
        var at = from.LastIndexOf('@');
        var domain = at >= 0 && at < from.Length - 1 ? from[(at + 1)..].Trim('>', ' ') : "reviewportal";
        return $"{hash}@{domain}";
    }

    public static MimeMessage ToMimeMessage(OutboxEmail mail, EmailOptions options)
    {
        var message = new MimeMessage
        {
            MessageId = MessageIdFor(mail.DeduplicationKey, options.From),
            Date = mail.CreatedAt,
            Subject = mail.Subject,
            Body = new BodyBuilder { TextBody = mail.TextBody, HtmlBody = mail.HtmlBody }.ToMessageBody(),
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(mail.To));
        // Reminders are machine mail: ask autoresponders (out-of-office) not to answer.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    /// <summary>The campaign a mail belongs to, from keys built by <see cref="OutboxKeys"/> (for the audit entry).</summary>
    public static int? CampaignIdOf(string dedupKey)
    {
        var parts = dedupKey.Split(':');
        return parts.Length > 1 && parts[0] is OutboxKeys.Reminder or OutboxKeys.Escalation or OutboxKeys.CampaignClosed or OutboxKeys.DueExtended
               && int.TryParse(parts[1], out var id) ? id : null;
    }
}

/// <summary>Deduplication keys: what makes two mails "the same message".</summary>
public static class OutboxKeys
{
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
    public const string CampaignClosed = "campaign-closed";
    public const string ApprovalReminder = "approval-reminder";
    public const string GrantExpiry = "grant-expiry";
    public const string AdminAlert = "admin-alert";
    public const string DueExtended = "due-extended";

    public static string ForReminder(int campaignId, int reviewerId, string kind, DateOnly day) =>
        $"{Reminder}:{campaignId}:{reviewerId}:{kind}:{day:yyyy-MM-dd}";

    public static string ForEscalation(int campaignId, int reviewerId, DateOnly day) =>
        $"{Escalation}:{campaignId}:{reviewerId}:{day:yyyy-MM-dd}";

    public static string ForCampaignClosed(int campaignId) => $"{CampaignClosed}:{campaignId}";

    public static string ForApprovalReminder(int approverId, DateOnly day) => $"{ApprovalReminder}:{approverId}:{day:yyyy-MM-dd}";

    /// <summary>Keyed on the expiry date too: a renewed grant that nears its new end gets a new notice.</summary>
    public static string ForGrantExpiry(long grantId, DateTimeOffset expiresAt) => $"{GrantExpiry}:{grantId}:{expiresAt:yyyy-MM-dd}";

    /// <summary>Keyed on the new date: extending the same campaign again, to a later date, tells the reviewer again.</summary>
    public static string ForDueExtended(int campaignId, int reviewerId, DateTimeOffset newDueAt) =>
        $"{DueExtended}:{campaignId}:{reviewerId}:{newDueAt.UtcDateTime:yyyy-MM-dd}";

    /// <summary>One alert per condition per day, however many hourly runs meet the condition again.</summary>
    public static string ForAdminAlert(string condition, DateOnly day) => $"{AdminAlert}:{condition}:{day:yyyy-MM-dd}";
}
