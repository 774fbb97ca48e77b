"""全过程记录 (records): uploads (上传, tus 1.0 断点续传) that become stored files; evidence items and
audio-video records are made from completed uploads in later slices (docs/records.md)."""
