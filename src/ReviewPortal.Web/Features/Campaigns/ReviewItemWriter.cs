using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ReviewPortal.Web.Data;

namespace ReviewPortal.Web.Features.Campaigns;

/// <summary>
/// Launch's hot path: one prepared INSERT per item on the context's own connection and transaction.
/// Tracking 100,000 items in EF costs ~30 CPU-seconds; this costs ~2 (docs/performance.md).
/// </summary>
public static class ReviewItemWriter
{
    public static async Task WriteAsync(ReviewPortalDbContext db, int campaignId, DateTimeOffset asOf, IEnumerable<PlannedItem> items,
        CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Review items are written inside the launch transaction.");
        await using var insert = db.Database.GetDbConnection().CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO "ReviewItems" ("CampaignId", "GrantId", "IdentityId", "EntitlementId", "ReviewerId", "Stage", "Recommendation",
                "RecommendationReason", "EvidenceJson", "EvidenceAsOf", "EvidenceHash", "Version")
            VALUES (@campaign, @grant, @identity, @entitlement, @reviewer, 1, @recommendation, @reason, @json, @asOf, @hash, 0)
            """;
        var p = new Dictionary<string, DbParameter>();
        foreach (var name in new[] { "@campaign", "@grant", "@identity", "@entitlement", "@reviewer", "@recommendation", "@reason", "@json", "@asOf", "@hash" })
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            insert.Parameters.Add(parameter);
            p[name] = parameter;
        }
        p["@campaign"].Value = campaignId;
        // Same storage format as the EF model: SQLite keeps UTC ticks, PostgreSQL a UTC timestamptz.
        p["@asOf"].Value = db.Provider == DatabaseProvider.Sqlite ? asOf.UtcTicks : asOf.ToUniversalTime();
        foreach (var item in items)
        {
            var json = item.Evidence.ToJson();
            p["@grant"].Value = item.Grant.GrantId;
            p["@identity"].Value = item.Grant.IdentityId;
            p["@entitlement"].Value = item.Grant.EntitlementId;
            p["@reviewer"].Value = item.ReviewerId;
            p["@recommendation"].Value = (int)item.Evidence.Recommendation.Recommendation;
            p["@reason"].Value = item.Evidence.Recommendation.Reason;
            p["@json"].Value = json;
            p["@hash"].Value = ItemEvidence.Hash(json);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
