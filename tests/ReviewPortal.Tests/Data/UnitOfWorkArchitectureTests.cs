namespace ReviewPortal.Tests.Data;

/// <summary>
/// Every multi-statement write goes through <c>UnitOfWork.WriteAsync</c> (docs/decisions/0007-unit-of-work.md): a
/// transaction opened anywhere else would be refused by the retrying strategy of SQL Server and PostgreSQL.
/// </summary>
public sealed class UnitOfWorkArchitectureTests
{
    private static readonly string[] AllowedToOpenTransactions =
    [
        Path.Combine("Data", "UnitOfWork.cs"),
        // A lone audited save opens its own transaction inside the execution strategy.
        Path.Combine("Data", "ReviewPortalDbContext.Audit.cs"),
    ];

    [Fact]
    public void Sources_OpeningATransaction_OnlyTheUnitOfWorkAndTheAuditedSave()
    {
        var web = Path.Combine(RepositoryRoot(), "src", "ReviewPortal.Web");
        var opening = Directory.EnumerateFiles(web, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            // The unit of work opens its transaction through the context's BeginLedgerTransactionAsync (BEGIN IMMEDIATE with
            // the ledger lock's wait on SQLite), which is no less a transaction.
            .Where(f => File.ReadAllText(f) is var text
                && (text.Contains("BeginTransaction", StringComparison.Ordinal) || text.Contains("BeginLedgerTransaction", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(web, f))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(AllowedToOpenTransactions.Order(StringComparer.Ordinal), opening);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ReviewPortal.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No ReviewPortal.sln above {AppContext.BaseDirectory}.");
    }
}
