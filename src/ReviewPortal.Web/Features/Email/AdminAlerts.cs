using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Mail to the IAM team (<c>Email:AdminAlertsTo</c>) about a condition that needs a person, staged through the outbox
/// in the caller's unit of work. One mail per condition per day (its outbox key), however often the condition recurs:
/// an hourly job that meets it again adds an audit entry, not another mail. Without an address, the page that shows
/// the condition and the audit log are the alert.
/// </summary>
public sealed class AdminAlerts(EmailOptions options, EmailRenderer renderer)
{
    /// <summary>Where alerts go, or null when <c>Email:AdminAlertsTo</c> is not set.</summary>
    public string? To => string.IsNullOrWhiteSpace(options.AdminAlertsTo) ? null : options.AdminAlertsTo.Trim();

    /// <returns>True when a mail was staged; false when no address is set or today's alert for the condition exists.</returns>
    public async Task<bool> EnqueueAsync(ReviewPortalDbContext db, string condition, Func<EmailOptions, EmailContent> content,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (To is not { } to)
        {
            return false;
        }
        var key = OutboxKeys.ForAdminAlert(condition, DateOnly.FromDateTime(now.UtcDateTime));
        // Checked before rendering as well as by EnqueueAsync: the condition usually recurs every hour, the mail once a day.
        if (await db.OutboxEmails.AnyAsync(m => m.DeduplicationKey == key, cancellationToken))
        {
            return false;
        }
        return await EmailOutbox.EnqueueAsync(db, key, to, await renderer.RenderAsync(content(options)), now, cancellationToken);
    }
}
