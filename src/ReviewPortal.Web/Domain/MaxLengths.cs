using System.Diagnostics.CodeAnalysis;

namespace ReviewPortal.Web.Domain;

/// <summary>
/// The length of every bounded text column, in one place: the EF configurations declare the columns with these, the
/// validators refuse longer user input with them, and the connectors truncate or skip longer upstream values by them.
/// SQLite ignores the bound; PostgreSQL and SQL Server refuse a longer value and fail the whole save, so nothing may
/// reach a column without being held to its number here (docs/decisions/0008-bounded-text.md says which values are
/// truncated and which are refused). Lengths count UTF-16 code units, as .NET and SQL Server do; PostgreSQL counts
/// characters, which are never more, so a value that fits here fits every engine.
/// </summary>
public static class MaxLengths
{
    /// <summary>What a person writes to explain a decision, a request or an approval.</summary>
    public const int Justification = 2000;

    /// <summary>A SHA-256 in hex.</summary>
    public const int Sha256Hex = 64;

    /// <summary>A failure message kept for an operator (connector runs, remediation, mail).</summary>
    public const int Error = 2000;

    public static class Identity
    {
        public const int ExternalId = 200;
        public const int DisplayName = 300;
        public const int Email = 320;
        public const int Department = 100;
        public const int Title = 150;
        public const int Status = 20;
        public const int KeyHint = 60;
        /// <summary>The person's id in the people directory (<see cref="MaxLengths.DirectoryPerson.SourceId"/>).</summary>
        public const int DirectoryId = DirectoryPerson.SourceId;
    }

    public static class DirectoryPerson
    {
        /// <summary>
        /// An Entra object id is a GUID; a CSV file's key is an email address. Room is left for the "hr:" a person
        /// without a Claude account is keyed by (Identity.ExternalId), so an address longer than this is refused.
        /// </summary>
        public const int SourceId = Identity.ExternalId - 3;
        public const int ManagerSourceId = SourceId;
        public const int Email = Identity.Email;
        public const int FullName = Identity.DisplayName;
        public const int Department = Identity.Department;
        public const int Title = Identity.Title;
    }

    public static class Resource
    {
        public const int ExternalId = 200;
        public const int Name = 300;
    }

    public static class Entitlement
    {
        public const int Value = 100;
        public const int DisplayName = 300;
    }

    public static class GrantEvent
    {
        public const int Kind = 60;
        public const int ActivityId = ActivityEvent.ActivityId;
        public const int ActorDescription = 300;
    }

    public static class UsageRollup
    {
        /// <summary>An API key, member or service account id as the usage report names it (as an identity's external id).</summary>
        public const int SubjectId = Identity.ExternalId;
        public const int WorkspaceId = Resource.ExternalId;
    }

    public static class WorkspaceActivityRollup
    {
        public const int WorkspaceId = Resource.ExternalId;
    }

    public static class ActivityEvent
    {
        public const int ActivityId = 100;
        public const int Type = 120;
        public const int ActorType = 60;
        public const int ActorExternalId = 300;
        public const int OrganizationUuid = 64;
    }

    public static class AccessRequest
    {
        public const int Justification = MaxLengths.Justification;
        public const int FulfilmentNote = 1000;
    }

    public static class ApprovalStep
    {
        public const int Comment = MaxLengths.Justification;
    }

    public static class Campaign
    {
        public const int Name = 200;
        public const int LifecycleRule = MaxLengths.LifecycleRule.Key;
    }

    public static class CampaignTemplate
    {
        /// <summary>Shorter than a campaign's name: each run's campaign is named "{template} · 1 Jan 2027".</summary>
        public const int Name = Campaign.Name - 20;
        public const int CronExpression = 100;
        public const int LastRunProblem = 1000;
    }

    public static class CampaignTemplateRun
    {
        public const int Problem = CampaignTemplate.LastRunProblem;
    }

    public static class ReviewItem
    {
        public const int RecommendationReason = 500;
        public const int Justification = MaxLengths.Justification;
        public const int EvidenceHash = Sha256Hex;
    }

    public static class ReviewDecision
    {
        public const int Justification = MaxLengths.Justification;
        public const int EvidenceHash = Sha256Hex;
        public const int ShownHash = Sha256Hex;
    }

    public static class EvidenceSnapshot
    {
        public const int Hash = Sha256Hex;
    }

    public static class RemediationTask
    {
        public const int TargetValue = Entitlement.Value;
        public const int LastError = Error;
        public const int Instructions = 2000;
    }

    public static class OutboxEmail
    {
        public const int DeduplicationKey = 200;
        public const int To = Identity.Email;
        public const int Subject = 300;
        public const int LastError = Error;
    }

    public static class AuditEntry
    {
        public const int Actor = 300;
        public const int Action = 100;
        public const int TargetType = 60;
        public const int TargetId = 200;
        public const int CorrelationId = 100;
        public const int PreviousHash = Sha256Hex;
        public const int Hash = Sha256Hex;
    }

    public static class IngestionRun
    {
        public const int Job = 60;
        public const int FirstCursor = IngestionCursor.Cursor;
        public const int LastCursor = IngestionCursor.Cursor;
        public const int LastRequestId = 200;
        public const int Error = MaxLengths.Error;
    }

    public static class IngestionCursor
    {
        public const int Name = 100;
        /// <summary>
        /// An Activity Feed id (the <c>after_id</c> to resume from), a local watermark, or Microsoft Graph's delta link (a URL
        /// with an opaque token of some hundreds of characters).
        /// </summary>
        public const int Cursor = 4000;
    }

    public static class QuarantinedRecord
    {
        public const int Reason = 500;
    }

    public static class JobLease
    {
        public const int Name = 100;
        public const int Holder = 200;
    }

    public static class ClaudeRequestPermit
    {
        /// <summary>Which node took the permit (machine and process), for an operator reading the table.</summary>
        public const int Node = 200;
    }

    public static class LifecycleRule
    {
        public const int Key = 40;
    }

    /// <summary>Whether <paramref name="value"/> fits a column of <paramref name="maxLength"/> (null always does).</summary>
    public static bool Fits(string? value, int maxLength) => value is null || value.Length <= maxLength;

    /// <summary>
    /// Shortens descriptive text (a name, a title, a note, an error) to its column, ending it with "…" so a reader sees
    /// it was shortened. Never for a key or an identifier: two different long ids would become the same short one.
    /// </summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Truncate(string? text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        if (text is null || text.Length <= maxLength)
        {
            return text;
        }
        var keep = maxLength - 1;
        // Never split a surrogate pair: half a character is not valid UTF-8, and PostgreSQL would refuse the value anyway.
        if (char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }
        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
