//! Integration tests of the web layer: a real server per test, on SQLite and (when
//! `TANDEM_TEST_POSTGRES_URL` is set) on PostgreSQL.

mod absences;
mod accounts_api;
mod activities;
mod app_ui;
mod auth;
mod bad_input;
mod browser;
mod calendar;
mod contacts;
mod custom_fields;
mod dashboards;
mod dashboards_ui;
mod deals;
mod duplicates;
mod events;
mod i18n;
mod imports;
mod interventions;
mod interventions_ui;
mod lead_forms;
mod leads;
mod leads_ui;
mod lists;
mod openapi;
mod pages;
mod products;
mod quotes;
mod quotes_ui;
mod requests;
mod requests_ui;
mod search;
mod tandems;
mod tasks;
mod tenancy;
mod visibility;
