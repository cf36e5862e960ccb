using System.Globalization;
using System.Text.Json;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Benchmarks.Support;

/// <summary>
/// A deterministic ledger for the benchmarks: <c>count</c> entries over the 365 days before <c>now</c>, chained from the
/// given head with <see cref="AuditChain.Seal"/>. Mix: 55 % review.decided, 5 % review.reassigned, 15 % grant.*, 10 %
/// identity.synced, 10 % request.*, 4.9 % remediation.*, 0.1 % campaign.launched; identities uniform over
/// <c>identities</c>, campaigns 1–20.
/// </summary>
internal static class SyntheticLedger
{
    public static IEnumerable<AuditEntry> Entries(long count, int identities, DateTimeOffset now, long sequence, string hash)
    {
        var random = new Random(365);
        var start = now.AddDays(-365);
        var span = (now - start).Ticks;
        string[] outcomes = ["Keep", "Keep", "Keep", "Revoke", "Reduce"];
        for (long i = 0; i < count; i++)
        {
            var identity = 1 + random.Next(identities);
            var reviewer = 1 + random.Next(999);
            var r = random.Next(1000);
            var entry = new AuditEntry
            {
                OccurredAt = start.AddTicks((long)((Int128)i * span / count)),
                ActorId = reviewer, Actor = $"Person {reviewer}", Action = "", TargetType = "", TargetId = "", IdentityId = identity,
                CorrelationId = Guid.NewGuid().ToString("N"), PreviousHash = hash, Hash = "",
            };
            if (r < 600)
            {
                var campaign = 1 + random.Next(20);
                entry.CampaignId = campaign;
                entry.TargetType = "ReviewItem";
                entry.TargetId = (1 + random.Next(2_000_000)).ToString(CultureInfo.InvariantCulture);
                if (r < 550)
                {
                    entry.Action = "review.decided";
                    entry.Before = """{"Outcome":null,"ReviewerId":""" + reviewer + ""","Justification":null}""";
                    entry.After = JsonSerializer.Serialize(new
                    {
                        Outcome = outcomes[random.Next(outcomes.Length)], justification = random.Next(4) == 0 ? "Still needed for the quarterly close." : null,
                        EvidenceHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
                        Recommendation = "Keep", reducedTo = (int?)null,
                    });
                }
                else
                {
                    entry.Action = "review.reassigned";
                    entry.Before = """{"Outcome":null,"ReviewerId":""" + reviewer + ""","Justification":null}""";
                    entry.After = $$"""{"reviewerId":{{1 + random.Next(999)}},"justification":"Moved teams, their new manager should review."}""";
                }
            }
            else if (r < 750)
            {
                var w = 1 + random.Next(200);
                var entitlement = w <= 100 ? $"Workspace {w} admin" : $"Group {w} member";
                entry.Action = random.Next(2) == 0 ? "grant.started" : "grant.ended";
                entry.TargetType = "Grant";
                entry.TargetId = (1 + random.Next(200_000)).ToString(CultureInfo.InvariantCulture);
                entry.ActorId = null;
                entry.Actor = "job:sync-directory";
                entry.After = $$"""{"entitlement":"{{entitlement}}","source":"DirectorySync"}""";
            }
            else if (r < 850)
            {
                entry.Action = "identity.synced";
                entry.TargetType = "Identity";
                entry.TargetId = identity.ToString(CultureInfo.InvariantCulture);
                entry.ActorId = null;
                entry.Actor = "job:sync-directory";
                entry.Before = $$"""{"Department":"{{DirectoryData.Department(identity + 1)}}","Title":"Engineer"}""";
                entry.After = $$"""{"Department":"{{DirectoryData.Department(identity)}}","Title":"Engineer"}""";
            }
            else if (r < 950)
            {
                entry.Action = random.Next(2) == 0 ? "request.submitted" : "request.approved";
                entry.TargetType = "AccessRequest";
                entry.TargetId = (1 + random.Next(100_000)).ToString(CultureInfo.InvariantCulture);
                entry.After = $$"""{"entitlement":"Workspace {{1 + random.Next(100)}} developer","justification":"Needed for the migration project."}""";
            }
            else if (r < 999)
            {
                entry.Action = "remediation.completed";
                entry.TargetType = "RemediationTask";
                entry.TargetId = (1 + random.Next(50_000)).ToString(CultureInfo.InvariantCulture);
                entry.ActorId = null;
                entry.Actor = "job:remediation";
                entry.After = """{"Status":"Verified","attempts":1}""";
            }
            else
            {
                var campaign = 1 + random.Next(20);
                entry.Action = "campaign.launched";
                entry.TargetType = "Campaign";
                entry.TargetId = campaign.ToString(CultureInfo.InvariantCulture);
                entry.CampaignId = campaign;
                entry.IdentityId = null;
                entry.After = $$"""{"Name":"Quarterly review {{campaign}}","items":{{random.Next(100_000)}}}""";
            }
            AuditChain.Seal(entry, sequence, hash);
            (sequence, hash) = (entry.Sequence, entry.Hash);
            yield return entry;
        }
    }
}
