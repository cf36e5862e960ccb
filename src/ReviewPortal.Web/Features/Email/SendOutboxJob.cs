using Microsoft.EntityFrameworkCore;
using MimeKit;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Features.Email;

/// <summary>
/// Sends due outbox mails: claim, hand off, confirm. See docs/decisions/0003-email-outbox.md.
/// <para>
/// Row states (no extra column): <c>Pending</c> with <c>SentAt</c> null is waiting for its
/// <c>NextAttemptAt</c>; <c>Pending</c> with <c>SentAt</c> set is <em>claimed</em>: this run
/// committed "handing off at SentAt" before talking to the mail system and has not yet recorded
/// the result. A claim that outlives <see cref="InFlightTimeout"/> was left by a crashed run, and
/// is resolved by asking the sender whether the message arrived: a pickup folder knows (the
/// file named for the Message-Id exists or not); SMTP cannot be asked, so the mail is
/// dead-lettered as "in doubt" for a person to check the MTA log by Message-Id and requeue it.
/// That trades a possible loss in a milliseconds-wide crash window for never mailing twice, and
/// makes the loss visible instead of silent.
/// </para>
/// </summary>
public sealed class SendOutboxJob(
    IDbContextFactory<ReviewPortalDbContext> contexts,
    IEmailSender sender,
    DatabaseLease leases,
    EmailOptions options,
    TimeProvider time,
    ILogger<SendOutboxJob> logger)
{
    public const string JobName = "send-outbox";

    /// <summary>Longer than any single SMTP hand-off; also the run's lease, so two runs never share a claim.</summary>
    public static readonly TimeSpan InFlightTimeout = TimeSpan.FromMinutes(10);

    public static readonly JobDescriptor<SendOutboxJob> Descriptor = new()
    {
        Id = JobName,
        Title = "the outbox",
        Lease = InFlightTimeout,
        Schedule = JobDescriptor.From<EmailOptions>(o => o.SendCron),
        Run = job => job.RunAsync(CancellationToken.None),
    };

    public Task<OutboxRunResult> RunAsync(CancellationToken cancellationToken = default) =>
        leases.RunExclusiveAsync(Descriptor, RunLeasedAsync, () => new OutboxRunResult { Skipped = true }, cancellationToken);

    /// <summary>The run itself, under the job's lease: <paramref name="cancellationToken"/> is cancelled when the lease is lost.</summary>
    private async Task<OutboxRunResult> RunLeasedAsync(CancellationToken cancellationToken)
    {
        var run = new Run(AuditActor.System(JobName, time.GetUtcNow(), $"{JobName}:{Guid.NewGuid():N}"), new OutboxRunResult());
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await RecoverClaimsAsync(db, run, cancellationToken);
        await SendDueAsync(db, run, cancellationToken);
        if (run.Result.Sent + run.Result.Failed + run.Result.DeadLettered > 0)
        {
            logger.LogInformation("Outbox run: {Sent} sent, {Failed} failed, {DeadLettered} dead-lettered, {Recovered} recovered",
                run.Result.Sent, run.Result.Failed, run.Result.DeadLettered, run.Result.Recovered);
        }
        return run.Result;
    }

    /// <summary>Claims left by a crashed run: ask the mail system, never guess "not sent".</summary>
    private async Task RecoverClaimsAsync(ReviewPortalDbContext db, Run run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = await db.OutboxEmails
            .Where(m => m.Status == OutboxStatus.Pending && m.SentAt != null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id).Take(options.BatchSize).ToListAsync(cancellationToken);
        foreach (var mail in stale)
        {
            var messageId = EmailOutbox.MessageIdFor(mail.DeduplicationKey, options.From);
            switch (await sender.CheckDeliveredAsync(messageId, cancellationToken))
            {
                case DeliveryCheck.Delivered:
                    await MarkSentAsync(db, mail, run, recovered: true, cancellationToken);
                    run.Result.Recovered++;
                    break;
                case DeliveryCheck.NotDelivered:
                    // The run stopped before the hand-off completed: an ordinary failed attempt.
                    await RecordFailureAsync(db, mail, "The previous run stopped before the mail was handed over.", run, cancellationToken);
                    if (mail.Status == OutboxStatus.Pending)
                    {
                        mail.NextAttemptAt = now; // retry in this run
                    }
                    break;
                default:
                    await DeadLetterAsync(db, mail,
                        $"Delivery outcome unknown: the sending run stopped after handing the mail to SMTP (at {mail.SentAt:u}) " +
                        $"and before recording the result. Not resent, to avoid a duplicate. Check the mail server log for " +
                        $"Message-Id <{messageId}> and requeue it if it never arrived.", run, cancellationToken);
                    break;
            }
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task SendDueAsync(ReviewPortalDbContext db, Run run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await db.OutboxEmails
            .Where(m => m.Status == OutboxStatus.Pending && m.SentAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(options.BatchSize).ToListAsync(cancellationToken);
        IEmailSession? session = null;
        try
        {
            for (var i = 0; i < due.Count; i++)
            {
                var mail = due[i];
                MimeMessage message;
                try
                {
                    message = EmailOutbox.ToMimeMessage(mail, options);
                }
                catch (ParseException ex)
                {
                    await DeadLetterAsync(db, mail, $"Not a valid address: {ex.Message}", run, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    continue;
                }

                if (session is null)
                {
                    try
                    {
                        session = await sender.OpenAsync(cancellationToken);
                    }
                    catch (EmailDeliveryException ex)
                    {
                        // Nothing was handed over; this attempt failed for every mail still due.
                        foreach (var rest in due.Skip(i))
                        {
                            rest.Attempts++;
                            await RecordFailureAsync(db, rest, ex.Message, run, cancellationToken);
                        }
                        await db.SaveChangesAsync(cancellationToken);
                        return;
                    }
                }

                // 1. Claim, committed before the mail system sees anything.
                var claimedAt = time.GetUtcNow();
                mail.Attempts++;
                mail.SentAt = claimedAt;
                mail.NextAttemptAt = claimedAt + InFlightTimeout;
                await db.SaveChangesAsync(cancellationToken);

                // 2. Hand off.
                try
                {
                    await session.SendAsync(message, cancellationToken);
                }
                catch (EmailDeliveryException ex) when (!ex.OutcomeUnknown)
                {
                    await RecordFailureAsync(db, mail, ex.Message, run, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await session.DisposeAsync();
                    session = null;
                    continue;
                }
                catch (EmailDeliveryException ex)
                {
                    // Same knowledge as after a crash: keep the claim, let recovery decide.
                    mail.LastError = MaxLengths.Truncate(ex.Message, MaxLengths.OutboxEmail.LastError);
                    await db.SaveChangesAsync(cancellationToken);
                    await session.DisposeAsync();
                    session = null;
                    continue;
                }
                // Any other exception escapes with the claim in place, exactly like a crash.

                // 3. Confirm, with the proof of notification in the same transaction.
                await MarkSentAsync(db, mail, run, recovered: false, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }
    }

    private async Task MarkSentAsync(ReviewPortalDbContext db, OutboxEmail mail, Run run, bool recovered, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        mail.Status = OutboxStatus.Sent;
        mail.SentAt = now;
        mail.NextAttemptAt = null;
        mail.LastError = null;
        db.Audit(run.Actor with { At = now }, "email.sent", mail,
            after: new
            {
                mail.To, mail.Subject, MessageId = EmailOutbox.MessageIdFor(mail.DeduplicationKey, options.From),
                mail.DeduplicationKey, mail.Attempts, ConfirmedByRecovery = recovered,
            },
            identityId: await RecipientIdAsync(db, mail.To, cancellationToken),
            campaignId: EmailOutbox.CampaignIdOf(mail.DeduplicationKey));
        run.Result.Sent++;
    }

    private async Task RecordFailureAsync(ReviewPortalDbContext db, OutboxEmail mail, string error, Run run, CancellationToken cancellationToken)
    {
        if (mail.Attempts >= options.MaxAttempts)
        {
            await DeadLetterAsync(db, mail, error, run, cancellationToken);
            return;
        }
        var now = time.GetUtcNow();
        mail.SentAt = null;
        mail.LastError = MaxLengths.Truncate(error, MaxLengths.OutboxEmail.LastError);
        mail.NextAttemptAt = now + Backoff(mail.Attempts);
        run.Result.Failed++;
    }

    private async Task DeadLetterAsync(ReviewPortalDbContext db, OutboxEmail mail, string error, Run run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        mail.Status = OutboxStatus.DeadLetter;
        mail.SentAt = null;
        mail.NextAttemptAt = null;
        mail.LastError = MaxLengths.Truncate(error, MaxLengths.OutboxEmail.LastError);
        db.Audit(run.Actor with { At = now }, "email.dead-lettered", mail,
            after: new { mail.To, mail.Subject, mail.DeduplicationKey, mail.Attempts, mail.LastError },
            identityId: await RecipientIdAsync(db, mail.To, cancellationToken),
            campaignId: EmailOutbox.CampaignIdOf(mail.DeduplicationKey));
        run.Result.DeadLettered++;
    }

    /// <summary>Exponential from <see cref="EmailOptions.RetryBaseDelay"/>, capped at <see cref="EmailOptions.RetryMaxDelay"/>.</summary>
    public TimeSpan Backoff(int attempts) => Infrastructure.Jobs.Backoff.Exponential(attempts, options.RetryBaseDelay, options.RetryMaxDelay);

    private static Task<int?> RecipientIdAsync(ReviewPortalDbContext db, string to, CancellationToken cancellationToken) =>
        db.Identities.Where(i => i.Email == to && i.Kind == IdentityKind.Person).OrderBy(i => i.Id)
            .Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);

    private sealed record Run(AuditActor Actor, OutboxRunResult Result);
}

public sealed class OutboxRunResult
{
    public bool Skipped { get; init; }
    public int Sent { get; set; }
    public int Failed { get; set; }
    public int DeadLettered { get; set; }
    /// <summary>Claims of a crashed run confirmed as delivered by the mail system.</summary>
    public int Recovered { get; set; }
}
