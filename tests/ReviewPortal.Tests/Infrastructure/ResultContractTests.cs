using System.Reflection;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Features.Reviews;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// One result contract (ADR 0012): a handler answers its value or a refusal with a kind and a sentence, never a null, a false
/// or an error string that a page has to turn into a reason.
/// </summary>
public sealed class ResultContractTests
{
    /// <summary>Handlers that still answer otherwise, by type name.</summary>
    private static readonly HashSet<string> Exceptions =
    [
        // Cannot refuse: it takes no viewer. DecideApproval (the approver's final approval) and ProvisionScheduledRequestsJob call it
        // once the request is due, and each outcome it reports (provisioned, scheduled, retrying, handed to an admin) is an answer.
        nameof(FulfilAccessRequest),
    ];

    [Fact]
    public void PublicHandleAsync_Everywhere_AnswersResultOrResultOfT()
    {
        // Features' handlers and the shared ones (RunJobNow).
        var handlers = typeof(Result).Assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name == "HandleAsync")
            .ToList();

        var otherwise = handlers.Where(m => !Exceptions.Contains(m.DeclaringType!.Name) && !AnswersResult(m.ReturnType))
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name} answers {m.ReturnType}")
            .ToList();

        // The scan sees the handlers at all (a namespace filter that matched nothing would pass anything).
        Assert.Contains(handlers, m => m.DeclaringType == typeof(DecideReviewItem));
        Assert.Contains(handlers, m => m.DeclaringType == typeof(RunJobNow));
        Assert.True(otherwise.Count == 0, string.Join(Environment.NewLine, otherwise));
    }

    private static bool AnswersResult(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>)
        && type.GetGenericArguments()[0] is var answer
        && (answer == typeof(Result) || (answer.IsGenericType && answer.GetGenericTypeDefinition() == typeof(Result<>)));
}
