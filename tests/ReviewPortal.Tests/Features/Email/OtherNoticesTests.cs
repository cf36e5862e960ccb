using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Email;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>Campaign closed → owner; pending approvals → approver daily; grants ending in 3 days → holder (or NHI owner).</summary>
public class OtherNoticesTests
{
    [Fact]
    public async Task ClosedCampaignApprovalsAndExpiringGrants_EachNoticeOnceWhereDue()
    {
        await using var portal = new EmailPortalFactory();
        var world = new EmailWorld(portal);
        var owner = await world.PersonAsync("Olivia");
        var approver = await world.PersonAsync("Pia");
        var holder = await world.PersonAsync("Hugo");
        var reviewer = await world.PersonAsync("Adam");
        var campaign = await world.CampaignAsync("Q3", owner, ReminderCadence.Standard, 5, (reviewer, 1, 2));
        var entitlement = await world.EntitlementAsync();
        var now = portal.Time.GetUtcNow();
        long expiring, later;
        await using (var db = await portal.CreateDbContextAsync())
        {
            var c = await db.Campaigns.SingleAsync(x => x.Id == campaign.Id);
            (c.Status, c.ClosedAt) = (CampaignStatus.Closed, now.AddHours(-1));
            var key = new Identity { ExternalId = "apikey_1", Kind = IdentityKind.ApiKey, DisplayName = "ci-key", OwnerId = holder.Id, CreatedAt = now };
            var g1 = new Grant { IdentityId = holder.Id, EntitlementId = entitlement.Id, GrantedAt = now.AddDays(-30), ExpiresAt = now.AddDays(2) };
            var g2 = new Grant { Identity = key, EntitlementId = entitlement.Id, GrantedAt = now.AddDays(-30), ExpiresAt = now.AddDays(3) };
            var g3 = new Grant { IdentityId = holder.Id, EntitlementId = entitlement.Id, GrantedAt = now.AddDays(-30), ExpiresAt = now.AddDays(10) };
            db.Grants.AddRange(g1, g2, g3);
            db.AccessRequests.Add(new AccessRequest
            {
                RequesterId = holder.Id, BeneficiaryId = holder.Id, EntitlementId = entitlement.Id, Justification = "Need it",
                RequestedAt = now.AddDays(-1), StartsAt = now, Status = AccessRequestStatus.Pending,
                Steps = [new ApprovalStep { Order = 1, ApproverId = approver.Id, Status = ApprovalStatus.Pending }],
            });
            await db.SaveChangesAsync();
            (expiring, later) = (g1.Id, g3.Id);
        }
        using var smtp = portal.StartSmtp();

        for (var run = 0; run < 3; run++)
        {
            await portal.RunRemindersAsync();
            await portal.SendOutboxAsync();
            portal.Time.Advance(TimeSpan.FromHours(4));
        }

        var got = Received.Messages(smtp).Select(m => (To: m.To.Mailboxes.Single().Address, m.Subject, m.HtmlBody)).ToList();
        Assert.Equal(4, got.Count);
        Assert.DoesNotContain(got, m => m.To == reviewer.Email); // a closed campaign sends no reminders
        var closed = Assert.Single(got, m => m.To == owner.Email);
        Assert.Equal("Access review closed: Q3", closed.Subject);
        Assert.Contains($"{EmailPortalFactory.BaseUrl}/campaigns/{campaign.Id}", closed.HtmlBody);
        var approval = Assert.Single(got, m => m.To == approver.Email);
        Assert.Contains("/requests/approvals", approval.HtmlBody);
        var notices = got.Where(m => m.To == holder.Email).Select(m => m.Subject).Order().ToList();
        Assert.Equal(["The access of ci-key to Test org ends on Sun 29 Nov 2026",
            "Your access to Test org ends on Sat 28 Nov 2026"], notices);
        await using var check = await portal.CreateDbContextAsync();
        Assert.True(await check.OutboxEmails.AnyAsync(m => m.DeduplicationKey.StartsWith($"grant-expiry:{expiring}:")));
        Assert.False(await check.OutboxEmails.AnyAsync(m => m.DeduplicationKey.StartsWith($"grant-expiry:{later}:")));

        // Next day: the approval is still pending, so the approver hears again; nothing else repeats.
        portal.Time.Advance(TimeSpan.FromDays(1));
        smtp.ClearReceivedEmail();
        await portal.RunRemindersAsync();
        await portal.SendOutboxAsync();
        Assert.Equal([approver.Email!], Received.Envelopes(smtp).Select(e => e.To).ToArray());
    }
}
