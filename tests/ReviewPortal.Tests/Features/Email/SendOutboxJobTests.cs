using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>Delivery through a real SMTP listener on loopback: retries, dead letters and the crash window.</summary>
public class SendOutboxJobTests
{
    [Fact]
    public async Task SmtpDownThenUp_EachMailDeliveredExactlyOnce()
    {
        await using var portal = new EmailPortalFactory();
        await portal.EnqueueAsync("t:1", "t:2", "t:3");

        var down = await portal.SendOutboxAsync(); // nothing listens on the port yet
        Assert.Equal(3, down.Failed);
        foreach (var key in new[] { "t:1", "t:2", "t:3" })
        {
            var mail = await portal.MailAsync(key);
            Assert.Equal((OutboxStatus.Pending, 1), (mail.Status, mail.Attempts));
            Assert.Null(mail.SentAt);
            Assert.Contains("unavailable", mail.LastError);
            Assert.Equal(portal.Time.GetUtcNow() + TimeSpan.FromMinutes(2), mail.NextAttemptAt);
        }

        using var smtp = portal.StartSmtp();
        await portal.SendOutboxAsync(); // still backing off
        Assert.Equal(0, smtp.ReceivedEmailCount);

        portal.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(3, (await portal.SendOutboxAsync()).Sent);
        portal.Time.Advance(TimeSpan.FromHours(1));
        await portal.SendOutboxAsync();

        var ids = Received.Envelopes(smtp).Select(e => e.MessageId).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(new[] { "t:1", "t:2", "t:3" }.Select(portal.MessageIdOf).Order(), ids.Order());
        Assert.Equal(3, (await portal.AuditAsync("email.sent")).Count);
        var first = await portal.MailAsync("t:1");
        Assert.Equal((OutboxStatus.Sent, 2, (string?)null), (first.Status, first.Attempts, first.LastError));
    }

    [Fact]
    public async Task SmtpNeverUp_BacksOffExponentiallyThenDeadLettersAfterSixAttempts()
    {
        await using var portal = new EmailPortalFactory();
        await portal.EnqueueAsync("t:1");

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            await portal.SendOutboxAsync();
            var mail = await portal.MailAsync("t:1");
            Assert.Equal(attempt, mail.Attempts);
            if (mail.NextAttemptAt is { } next)
            {
                delays.Add(next - portal.Time.GetUtcNow());
                portal.Time.Advance(next - portal.Time.GetUtcNow());
            }
        }

        Assert.Equal(new[] { 2, 4, 8, 16, 32 }.Select(m => TimeSpan.FromMinutes(m)), delays);
        var dead = await portal.MailAsync("t:1");
        Assert.Equal(OutboxStatus.DeadLetter, dead.Status);
        Assert.Contains("unavailable", dead.LastError);
        var entry = Assert.Single(await portal.AuditAsync("email.dead-lettered"));
        Assert.Equal(dead.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.TargetId);
        Assert.Empty(await portal.AuditAsync("email.sent"));

        portal.Time.Advance(TimeSpan.FromDays(1));
        using var smtp = portal.StartSmtp();
        await portal.SendOutboxAsync();
        Assert.Equal(0, smtp.ReceivedEmailCount); // dead letters wait for a person
    }

    [Fact]
    public async Task CrashBetweenSmtpSendAndMark_NotSentTwice_MarkedInDoubtForAPerson()
    {
        CrashAfterSendSender? crashing = null;
        await using var portal = new EmailPortalFactory { WrapSender = inner => crashing = new CrashAfterSendSender(inner) };
        await portal.EnqueueAsync("t:1", "t:2");
        using var smtp = portal.StartSmtp();

        await Assert.ThrowsAsync<SimulatedCrashException>(portal.SendOutboxAsync);
        Assert.Equal(1, smtp.ReceivedEmailCount); // the SMTP server has it; the outbox row does not know
        var claimed = await portal.MailAsync("t:1");
        Assert.Equal(OutboxStatus.Pending, claimed.Status);
        Assert.NotNull(claimed.SentAt);
        Assert.Equal(0, (await portal.MailAsync("t:2")).Attempts);

        // "Restart" right away: the in-flight claim is left alone, the rest goes out.
        await portal.SendOutboxAsync();
        Assert.Equal(2, smtp.ReceivedEmailCount);

        // After the in-flight timeout, recovery cannot ask SMTP, so it does not resend.
        portal.Time.Advance(SendOutboxJob.InFlightTimeout + TimeSpan.FromSeconds(1));
        var recovery = await portal.SendOutboxAsync();
        portal.Time.Advance(TimeSpan.FromDays(1));
        await portal.SendOutboxAsync();

        Assert.Equal(1, recovery.DeadLettered);
        var ids = Received.Envelopes(smtp).Select(e => e.MessageId).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        var inDoubt = await portal.MailAsync("t:1");
        Assert.Equal(OutboxStatus.DeadLetter, inDoubt.Status);
        Assert.Contains("outcome unknown", inDoubt.LastError);
        Assert.Contains(portal.MessageIdOf("t:1"), inDoubt.LastError);
        Assert.Single(await portal.AuditAsync("email.dead-lettered"));
        Assert.Equal(OutboxStatus.Sent, (await portal.MailAsync("t:2")).Status);

        // A person who checked the mail server log may send it again, on the record.
        var admin = new Viewer(null, "Ada Admin", new HashSet<string> { Roles.Admin });
        Assert.False((await portal.GetRequiredService<RequeueOutboxEmail>().HandleAsync(new Viewer(null, "Someone", new HashSet<string>()), inDoubt.Id)).Ok);
        Assert.True((await portal.GetRequiredService<RequeueOutboxEmail>().HandleAsync(admin, inDoubt.Id)).Ok);
        Assert.Single(await portal.AuditAsync("email.requeued"));
        Assert.Equal(OutboxStatus.Pending, (await portal.MailAsync("t:1")).Status);
    }

    [Fact]
    public async Task CrashBetweenPickupWriteAndMark_RecoveryConfirmsTheFile_SentOnceWithAudit()
    {
        await using var portal = new EmailPortalFactory(useSmtp: false) { WrapSender = inner => new CrashAfterSendSender(inner) };
        await portal.EnqueueAsync("t:1");

        await Assert.ThrowsAsync<SimulatedCrashException>(portal.SendOutboxAsync);
        Assert.Single(Directory.GetFiles(portal.PickupFolder, "*.eml"));

        portal.Time.Advance(SendOutboxJob.InFlightTimeout + TimeSpan.FromSeconds(1));
        var recovery = await portal.SendOutboxAsync();

        Assert.Equal((1, 1), (recovery.Recovered, recovery.Sent));
        Assert.Single(Directory.GetFiles(portal.PickupFolder, "*.eml"));
        Assert.Empty(Directory.GetFiles(portal.PickupFolder, "*.tmp", SearchOption.AllDirectories));
        Assert.Equal(OutboxStatus.Sent, (await portal.MailAsync("t:1")).Status);
        var entry = Assert.Single(await portal.AuditAsync("email.sent"));
        Assert.Contains("\"ConfirmedByRecovery\":true", entry.After);
    }

    [Fact]
    public async Task Enqueue_SameKeyTwice_OneMail()
    {
        await using var portal = new EmailPortalFactory();
        await using var db = await portal.CreateDbContextAsync();
        var now = portal.Time.GetUtcNow();

        Assert.True(await EmailOutbox.EnqueueAsync(db, "k", "a@example.test", "s", "<p>h</p>", "t", now));
        Assert.False(await EmailOutbox.EnqueueAsync(db, "k", "a@example.test", "s", "<p>h</p>", "t", now)); // staged, unsaved
        await db.SaveChangesAsync();
        await using var later = await portal.CreateDbContextAsync();
        Assert.False(await EmailOutbox.EnqueueAsync(later, "k", "b@example.test", "s2", "<p>h</p>", "t", now));
        await later.SaveChangesAsync();

        Assert.Equal(1, await later.OutboxEmails.CountAsync());
    }
}
