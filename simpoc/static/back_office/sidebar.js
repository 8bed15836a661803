"use strict";
// The admin's navigation sidebar starts closed, so lists and forms get the page's width; the toggle
// button (and every page's breadcrumbs) still reach it, and once opened it stays open.
try {
  if (localStorage.getItem("django.admin.navSidebarIsOpen") === null) {
    localStorage.setItem("django.admin.navSidebarIsOpen", "false");
  }
} catch (e) {
  // Storage refused (private mode): the admin's default (open) applies.
}
