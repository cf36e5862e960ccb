using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReviewPortal.Web.Data.Migrations.Sqlite
{
    /// <summary>
    /// The audit explorer's free text (target id, before, after) as an FTS5 trigram index: a quoted phrase of at
    /// least three characters matches exactly the entries that contain it as a substring, case-insensitively,
    /// without scanning the ledger. External content (the text stays only in AuditEntries), filled once here and
    /// kept current by an insert trigger; the ledger is append-only, so no update or delete triggers are needed.
    /// Phrase queries need the default detail=full (detail=none refuses them).
    /// SQLite only: SQL Server keeps the substring scan (see docs/performance.md).
    /// </summary>
    public partial class AuditTextSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE AuditText USING fts5(
                    TargetId, "Before", "After",
                    content='AuditEntries', content_rowid='Sequence', tokenize='trigram');
                """);
            // One-off: indexes every existing entry (about 50 CPU-s per million entries).
            migrationBuilder.Sql("INSERT INTO AuditText(AuditText) VALUES('rebuild');");
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_Text AFTER INSERT ON AuditEntries BEGIN
                    INSERT INTO AuditText(rowid, TargetId, "Before", "After") VALUES (new.Sequence, new.TargetId, new."Before", new."After");
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_Text;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS AuditText;");
        }
    }
}
