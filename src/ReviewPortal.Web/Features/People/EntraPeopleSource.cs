using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Delta;
using Microsoft.Kiota.Abstractions.Serialization;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// Entra ID's users through Microsoft Graph's delta query (<c>GET /users/delta</c>, application permission
/// <c>User.Read.All</c>): the first round lists everyone, each later round only who changed since the delta link the
/// last applied round kept, with <c>@removed</c> for deleted users. Paging follows <c>@odata.nextLink</c>; throttling
/// (429 with Retry-After) and 5xx answers are retried by the Graph client's own retry handler.
/// </summary>
public sealed class EntraPeopleSource(GraphServiceClient graph)
{
    // Properties the delta query tracks; "manager" comes back as manager@delta.
    private static readonly string[] Fields =
        ["id", "displayName", "mail", "userPrincipalName", "department", "jobTitle", "accountEnabled", "manager"];

    public async Task<PeopleRead> ReadAsync(string? deltaLink, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadRoundAsync(deltaLink, cancellationToken);
        }
        catch (ODataError error) when (deltaLink is not null && error.ResponseStatusCode == 410)
        {
            // The delta link expired (Entra keeps them for a limited time): start a complete round again.
            return await ReadRoundAsync(null, cancellationToken);
        }
    }

    private async Task<PeopleRead> ReadRoundAsync(string? deltaLink, CancellationToken cancellationToken)
    {
        var people = new List<SourcePerson>();
        var removed = new List<string>();
        var page = deltaLink is null
            ? await graph.Users.Delta.GetAsDeltaGetResponseAsync(r => r.QueryParameters.Select = Fields, cancellationToken)
            : await new DeltaRequestBuilder(deltaLink, graph.RequestAdapter).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
        while (true)
        {
            foreach (var user in page?.Value ?? [])
            {
                if (user.Id is null)
                {
                    continue;
                }
                if (user.AdditionalData.ContainsKey("@removed"))
                {
                    removed.Add(user.Id);
                }
                else if (ToPerson(user) is { } person)
                {
                    people.Add(person);
                }
            }
            if (page?.OdataNextLink is { } next)
            {
                page = await new DeltaRequestBuilder(next, graph.RequestAdapter).GetAsDeltaGetResponseAsync(cancellationToken: cancellationToken);
                continue;
            }
            var link = page?.OdataDeltaLink ?? throw new InvalidOperationException(
                "Microsoft Graph ended a users delta round without a delta link; nothing was applied.");
            return new PeopleRead(people, removed, IsComplete: deltaLink is null, link);
        }
    }

    /// <summary>A user the portal can match (one with an address); guests and rooms without one are left out.</summary>
    private static SourcePerson? ToPerson(User user)
    {
        var email = (user.Mail ?? user.UserPrincipalName)?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            return null;
        }
        return new SourcePerson(user.Id!, email, user.DisplayName ?? email, user.Department, user.JobTitle, ManagerId(user),
            Employed: user.AccountEnabled != false, LeftAt: null);
    }

    /// <summary>The manager's id from <c>manager@delta</c> (a one-element list; an entry marked <c>@removed</c> means none).</summary>
    private static string? ManagerId(User user)
    {
        if (!user.AdditionalData.TryGetValue("manager@delta", out var value) || value is not UntypedArray managers)
        {
            return null;
        }
        foreach (var entry in managers.GetValue().OfType<UntypedObject>())
        {
            var fields = entry.GetValue();
            if (!fields.ContainsKey("@removed") && fields.TryGetValue("id", out var id) && id is UntypedString text)
            {
                return text.GetValue();
            }
        }
        return null;
    }
}
