using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewPortal.Web.Features.Campaigns;

namespace ReviewPortal.Web.Features.Reviews;

/// <summary>
/// The SHA-256 of what a reviewer was shown, recorded with their decision: a canonical JSON of the view model the screen
/// renders (the drawer's <see cref="ReviewItemView"/>, a grid's <see cref="ReviewRow"/>), computed on the server from the
/// same object the component binds. Canonical: fixed property order (the records'), web casing, enums by name, times in
/// ISO 8601 as stored; anything the screen does not render (versions, permissions) is left out.
/// </summary>
public static class ShownDigest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>What the drawer rendered for one item: the snapshot on screen and how it is labelled, the evidence (and the
    /// launch evidence it is compared with after a refresh), the item's context and the top activity types.</summary>
    public static string CanonicalJson(ReviewItemView v) => JsonSerializer.Serialize(new
    {
        v.Id, v.Campaign, v.Identity, v.IdentityDetail, IdentityKind = v.IdentityKind, v.Entitlement, v.IsPrivileged, v.ReducesTo, v.Resource,
        v.Stage, v.Recommendation, v.RecommendationReason, v.EvidenceHash, v.EvidenceRefreshed, v.LaunchEvidenceHash, Evidence = v.Evidence, v.LaunchEvidence,
        v.LiveEvidence, v.TopTypes, v.Context, v.HandedOff, v.Outcome, v.Justification, v.DecidedAt, v.Remediation,
    }, Json);

    /// <summary>What one row of the reviewer's grid showed (the bulk decisions' record).</summary>
    public static string CanonicalJson(ReviewRow row) => JsonSerializer.Serialize(new
    {
        row.Id, row.CampaignId, row.IdentityId, row.Identity, row.IdentityDetail, row.IdentityKind, row.Entitlement, row.EntitlementKind,
        row.Resource, row.IsPrivileged, row.Recommendation, row.RecommendationReason, row.Outcome, row.DecidedAt, row.LastActiveAt, row.Stage,
        row.Daily, row.DailyTokens,
    }, Json);

    public static string Of(ReviewItemView view) => ItemEvidence.Hash(CanonicalJson(view));

    public static string Of(ReviewRow row) => ItemEvidence.Hash(CanonicalJson(row));
}
