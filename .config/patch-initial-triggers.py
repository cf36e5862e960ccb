# One-off helper used while the Initial migrations were still being regenerated (pre-release).
import glob
def patch(path, up, down):
    s=open(path).read()
    if 'append-only' in s: return
    i=s.index('        /// <inheritdoc />\n        protected override void Down')
    j=s.rindex('        }\n',0,i)
    s=s[:j]+up+s[j:]
    marker='protected override void Down(MigrationBuilder migrationBuilder)\n        {\n'
    k=s.index(marker)+len(marker)
    s=s[:k]+down+s[k:]
    open(path,'w').write(s)
patch(glob.glob('Data/Migrations/Sqlite/*_Initial.cs')[0], '''
            // The ledger is append-only: the database itself refuses UPDATE and DELETE.
            migrationBuilder.Sql("CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit ledger is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries BEGIN SELECT RAISE(ABORT, 'The audit ledger is append-only'); END;");
''', '''            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");

''')
patch(glob.glob('Data/Migrations/SqlServer/*_Initial.cs')[0], '''
            // The ledger is append-only: the database itself refuses UPDATE and DELETE.
            // EXEC: CREATE TRIGGER must open its batch, and the idempotent script wraps each step in IF … BEGIN.
            migrationBuilder.Sql("EXEC(N'CREATE TRIGGER [dbo].[AuditEntries_AppendOnly] ON [dbo].[AuditEntries] INSTEAD OF UPDATE, DELETE AS BEGIN THROW 51000, ''The audit ledger is append-only'', 1; END');");
''', '''            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [dbo].[AuditEntries_AppendOnly];");

''')
