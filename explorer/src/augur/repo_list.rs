use charts::RepoEntry;
use sqlx::PgPool;

/// Every repository Augur knows, with its org: what the search index is built from.
pub async fn list_repos(db: &PgPool) -> Result<Vec<RepoEntry>, sqlx::Error> {
    let rows = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT r.repo_id, r.repo_git, g.rg_name
         FROM augur_data.repo r
         JOIN augur_data.repo_groups g USING (repo_group_id)
         ORDER BY g.rg_name, r.repo_git",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, url, org)| RepoEntry { id, url, org }).collect())
}
