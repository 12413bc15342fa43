//! The workspace's quote settings, letterhead and logo.

use super::*;

#[derive(sqlx::FromRow)]
pub(super) struct SettingsRow {
    quote_settings: Option<String>,
    letterhead: Option<String>,
}

pub(super) async fn settings_row(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<SettingsRow> {
    c.optional::<SettingsRow>(
        &Query::select()
            .columns(["quote_settings", "letterhead"])
            .from("workspaces")
            .and_where(Expr::col("id").eq(ws.0))
            .to_owned(),
    )
    .await?
    .ok_or(StoreError::NotFound)
}

/// The stored quote settings, `None` until an admin saves them.
pub async fn settings(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<QuoteSettings>> {
    Ok(settings_row(c, ws)
        .await?
        .quote_settings
        .and_then(|s| serde_json::from_str(&s).ok()))
}

pub async fn set_settings(c: &mut Conn<'_>, ws: WorkspaceId, s: &QuoteSettings) -> StoreResult<()> {
    crate::workspaces::set_json(c, ws, "quote_settings", serde_json::to_string(s)).await
}

/// The stored letterhead, `None` until an admin saves one.
pub async fn letterhead(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<Letterhead>> {
    Ok(settings_row(c, ws)
        .await?
        .letterhead
        .and_then(|s| serde_json::from_str(&s).ok()))
}

pub async fn set_letterhead(c: &mut Conn<'_>, ws: WorkspaceId, l: &Letterhead) -> StoreResult<()> {
    crate::workspaces::set_json(c, ws, "letterhead", serde_json::to_string(l)).await
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Logo {
    pub content_type: String,
    pub data: Vec<u8>,
    pub updated_at: i64,
}

pub async fn logo(c: &mut Conn<'_>, ws: WorkspaceId) -> StoreResult<Option<Logo>> {
    c.optional::<Logo>(
        &Query::select()
            .columns(["content_type", "data", "updated_at"])
            .from("workspace_logos")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned(),
    )
    .await
}

pub async fn set_logo(c: &mut Conn<'_>, ws: WorkspaceId, logo: Option<&Logo>) -> StoreResult<()> {
    c.exec(
        &Query::delete()
            .from_table("workspace_logos")
            .and_where(Expr::col("workspace_id").eq(ws.0))
            .to_owned(),
    )
    .await?;
    if let Some(l) = logo {
        c.exec(
            &Query::insert()
                .into_table("workspace_logos")
                .columns(["workspace_id", "content_type", "data", "updated_at"])
                .values_panic([
                    ws.0.into(),
                    l.content_type.clone().into(),
                    l.data.clone().into(),
                    l.updated_at.into(),
                ])
                .to_owned(),
        )
        .await?;
    }
    Ok(())
}
