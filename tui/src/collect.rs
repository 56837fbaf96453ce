//! Live host collection (sysfs, IORT/DT, /dev/mem, iommufd, kernel log). OWNER: collect helper.
