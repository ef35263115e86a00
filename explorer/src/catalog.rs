use charts::RepoEntry;
use sqlx::PgPool;

/// Every repository Augur knows, with its org, for the picker.
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

/// The repositories users pick from, read from Augur on the web tier's small pool.
#[derive(Clone)]
pub struct Catalog {
    db: PgPool,
}

impl Catalog {
    pub fn new(db: PgPool) -> Self {
        Catalog { db }
    }

    pub async fn list(&self) -> Result<Vec<RepoEntry>, sqlx::Error> {
        list_repos(&self.db).await
    }
}
